/**
 * The accounts one manages (src/shared/roles.ts managedRoles: a team lead
 * their hamlet's volunteers; a coordinator volunteers and team leads; an
 * admin coordinators too): who is active, who still has to activate, who is
 * locked; add one (and hand them a one-time code, also as a QR code), issue a
 * new code for a forgotten password, lock an account. Commune staff also add
 * hamlets here. Online.
 */
import '../../../i18n/pages.ts'; // team.* and the field names
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  formatEnrolmentCode,
  type Enrolment,
  type Member,
} from '../../../shared/schemas/accounts.ts';
import { ApiValidationError } from '../../../sync/errors.ts';
import { api } from '../../api.ts';
import { TextField } from '../../components/TextField.tsx';
import { QrCode } from '../../components/QrCode.tsx';
import { formatDateTime } from '../../format.ts';
import { refreshProfile, session } from '../../session.ts';
import { isCommuneStaff, isHamletRole, managedRoles } from '../../../shared/permissions.ts';
import type { Role } from '../../../shared/roles.ts';
import { useTranslation } from '../../use-translation.ts';
import { StaffNav } from '../../components/StaffNav.tsx';

export interface Issued {
  name: string;
  username: string;
  enrolment: Enrolment;
}

type Pending = { kind: 'reset' | 'deactivate'; member: Member };

export function TeamPage() {
  const { t, lng } = useTranslation();
  const user = session.value?.user;
  const allHamlets = user?.hamlets ?? [];
  // A team lead adds to their own hamlet only.
  const hamlets =
    user?.role === 'team_lead' ? allHamlets.filter((h) => h.id === user.hamletId) : allHamlets;
  const roles = managedRoles(user?.role ?? 'volunteer');
  const [role, setRole] = useState<Role>('volunteer');
  const [members, setMembers] = useState<Member[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState(false);
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [hamletId, setHamletId] = useState(hamlets[0]?.id ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setFailed(false);
    api.listMembers().then(
      (m) => live && setMembers(m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const time = (iso: string) => formatDateTime(Date.parse(iso), lng);
  const hamletName = (id: string | null) => allHamlets.find((h) => h.id === id)?.name ?? id ?? '—';
  const refresh = () => setAttempt((a) => a + 1);

  async function onAdd(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!displayName.trim())
      errs.displayName = `${t('fields.displayName')}: ${t('errors.required')}`;
    if (!username.trim()) errs.username = `${t('fields.username')}: ${t('errors.required')}`;
    const needsHamlet = isHamletRole(role);
    if (needsHamlet && !hamletId)
      errs.hamletId = `${t('fields.hamletId')}: ${t('errors.invalidChoice')}`;
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    setNotice(null);
    setActionError(false);
    try {
      const out = await api.addMember({
        displayName,
        username,
        role,
        hamletId: needsHamlet ? hamletId : null,
      });
      setIssued({
        name: out.member.displayName,
        username: out.member.username,
        enrolment: out.enrolment,
      });
      setDisplayName('');
      setUsername('');
      refresh();
    } catch (err) {
      const found = fieldErrors(err);
      if (found) setErrors(found);
      else setActionError(true);
    } finally {
      setBusy(false);
    }
  }

  async function onConfirm() {
    if (!pending || busy) return;
    const { kind, member } = pending;
    setPending(null);
    setBusy(true);
    setNotice(null);
    setActionError(false);
    try {
      if (kind === 'reset') {
        const out = await api.newEnrolment(member.id);
        setIssued({
          name: member.displayName,
          username: member.username,
          enrolment: out.enrolment,
        });
      } else {
        await api.deactivateMember(member.id);
        setNotice(t('team.deactivated', { name: member.displayName }));
      }
      refresh();
    } catch {
      setActionError(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="page wide">
      <StaffNav />
      <h1>{t('team.title')}</h1>
      <p class="muted">{t('team.intro')}</p>

      {issued && <EnrolmentCard issued={issued} time={time} onDone={() => setIssued(null)} />}
      {notice && (
        <p class="banner ok" role="status">
          {notice}
        </p>
      )}
      {actionError && (
        <p class="error-box" role="alert">
          {t('team.actionFailed')}
        </p>
      )}
      {pending && (
        <Confirm
          text={t(pending.kind === 'reset' ? 'team.newCodeConfirm' : 'team.deactivateConfirm', {
            name: pending.member.displayName,
          })}
          onYes={() => void onConfirm()}
          onNo={() => setPending(null)}
        />
      )}

      {failed && (
        <p class="error-box" role="alert">
          {t('team.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={refresh}>
            {t('team.retry')}
          </button>
        </p>
      )}
      {members === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {members !== null && members.length === 0 && <p class="muted">{t('team.empty')}</p>}
      {members !== null && members.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">{t('team.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fields.displayName')}</th>
              <th scope="col">{t('fields.username')}</th>
              <th scope="col">{t('fields.role')}</th>
              <th scope="col">{t('fields.hamletId')}</th>
              <th scope="col">{t('team.state')}</th>
              <th scope="col">{t('team.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td>{m.displayName}</td>
                <td>{m.username}</td>
                <td>{t(`roles.${m.role}` as 'roles.volunteer')}</td>
                <td>{hamletName(m.hamletId)}</td>
                <td>
                  <span class={`badge member-${m.state}`}>{t(`team.state_${m.state}`)}</span>
                  {m.state === 'pending' && m.enrolmentExpiresAt && (
                    <span class="muted small">
                      {' '}
                      ({t('team.expires', { time: time(m.enrolmentExpiresAt) })})
                    </span>
                  )}
                </td>
                <td class="row-actions">
                  {m.state !== 'deactivated' && (
                    <button
                      type="button"
                      class="btn small"
                      disabled={busy}
                      aria-label={t('team.newCodeFor', { name: m.displayName })}
                      onClick={() => setPending({ kind: 'reset', member: m })}
                    >
                      {t('team.newCode')}
                    </button>
                  )}
                  {m.state !== 'deactivated' && (
                    <button
                      disabled={busy}
                      type="button"
                      class="btn small danger"
                      aria-label={t('team.deactivateFor', { name: m.displayName })}
                      onClick={() => setPending({ kind: 'deactivate', member: m })}
                    >
                      {t('team.deactivate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <section class="card" aria-labelledby="add-title">
        <h2 id="add-title">{t('team.addTitle')}</h2>
        <form onSubmit={(e) => void onAdd(e)} noValidate>
          <NameFields
            displayName={displayName}
            username={username}
            errors={errors}
            onDisplayName={setDisplayName}
            onUsername={setUsername}
          />
          {roles.length > 1 && (
            <div class={`field${errors.role ? ' has-error' : ''}`}>
              <label for="role">{t('fields.role')}</label>
              <select
                id="role"
                value={role}
                aria-invalid={errors.role ? true : undefined}
                aria-describedby={errors.role ? 'role-error' : undefined}
                onChange={(e) => setRole(e.currentTarget.value as Role)}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}` as 'roles.volunteer')}
                  </option>
                ))}
              </select>
              {errors.role && (
                <p class="field-error" id="role-error">
                  {errors.role}
                </p>
              )}
            </div>
          )}
          {isHamletRole(role) && (
            <div class={`field${errors.hamletId ? ' has-error' : ''}`}>
              <label for="hamletId">{t('fields.hamletId')}</label>
              <select
                id="hamletId"
                value={hamletId}
                aria-invalid={errors.hamletId ? true : undefined}
                aria-describedby={errors.hamletId ? 'hamletId-error' : undefined}
                onChange={(e) => setHamletId(e.currentTarget.value)}
              >
                {hamlets.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name}
                  </option>
                ))}
              </select>
              {errors.hamletId && (
                <p class="field-error" id="hamletId-error">
                  {errors.hamletId}
                </p>
              )}
            </div>
          )}
          <button type="submit" class="btn primary" disabled={busy}>
            {busy ? t('team.adding') : t('team.add')}
          </button>
        </form>
      </section>
      {user && isCommuneStaff(user.role) && <Hamlets hamlets={allHamlets} />}
    </main>
  );
}

/** The commune's hamlets, and a form to add one (the profile is read again after). */
function Hamlets(p: { hamlets: readonly { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  async function onAdd(e: Event) {
    e.preventDefault();
    if (busy) return;
    setAdded(null);
    setFailed(false);
    if (!name.trim()) {
      setError(`${t('fields.name')}: ${t('errors.required')}`);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const hamlet = await api.addHamlet({ name });
      setName('');
      setAdded(t('team.hamletAdded', { name: hamlet.name }));
      await refreshProfile();
    } catch (err) {
      const found = fieldErrors(err);
      if (found?.name) setError(found.name);
      else setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="hamlets-title">
      <h2 id="hamlets-title">{t('team.hamletsTitle')}</h2>
      <ul aria-label={t('team.hamletsTitle')}>
        {p.hamlets.map((h) => (
          <li key={h.id}>{h.name}</li>
        ))}
      </ul>
      {added && (
        <p class="banner ok" role="status">
          {added}
        </p>
      )}
      {failed && (
        <p class="error-box" role="alert">
          {t('team.actionFailed')}
        </p>
      )}
      <form onSubmit={(e) => void onAdd(e)} noValidate>
        <TextField
          id="hamletName"
          label={t('team.hamletName')}
          value={name}
          onInput={setName}
          error={error}
          autoComplete="off"
          maxLength={80}
        />
        <button type="submit" class="btn" disabled={busy}>
          {t('team.addHamlet')}
        </button>
      </form>
    </section>
  );
}

/**
 * The server's problems by field, to show under each field; null when the
 * answer was not about fields (a body refused whole, the network), shown above.
 */
export function fieldErrors(err: unknown): Record<string, string> | null {
  if (err instanceof ApiValidationError && err.problems.every((p) => p.field !== ''))
    return Object.fromEntries(err.problems.map((p) => [p.field, p.message]));
  return null;
}

/** A new account's name and username, with their errors. */
export function NameFields(p: {
  displayName: string;
  username: string;
  errors: Record<string, string | undefined>;
  onDisplayName: (v: string) => void;
  onUsername: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        id="displayName"
        label={t('fields.displayName')}
        value={p.displayName}
        onInput={p.onDisplayName}
        error={p.errors.displayName}
        autoComplete="off"
        maxLength={80}
      />
      <TextField
        id="username"
        label={t('fields.username')}
        hint={t('errors.username')}
        value={p.username}
        onInput={p.onUsername}
        error={p.errors.username}
        autoComplete="off"
        autoCapitalize="none"
        maxLength={32}
      />
    </>
  );
}

/** The one-time code, large enough to read aloud, with its QR code and what to do with it. */
export function EnrolmentCard(p: {
  issued: Issued;
  time: (iso: string) => string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { name, username, enrolment } = p.issued;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [enrolment.code]);
  const link = `${window.location.origin}/enrol#${enrolment.code}`;
  return (
    <section class="card enrol-card" aria-labelledby="code-title">
      <h2 id="code-title" tabIndex={-1} ref={heading}>
        {t('team.codeTitle', { name })}
      </h2>
      <p class="enrol-code" data-testid="enrolment-code">
        {formatEnrolmentCode(enrolment.code)}
      </p>
      <p>{t('team.username', { username })}</p>
      <QrCode text={link} label={t('team.qrLabel', { name })} />
      <p>{t('team.codeHowTo', { name })}</p>
      <p class="muted">{t('team.codeOnce', { time: p.time(enrolment.expiresAt) })}</p>
      <button type="button" class="btn" onClick={p.onDone}>
        {t('team.done')}
      </button>
    </section>
  );
}

function Confirm(p: { text: string; onYes: () => void; onNo: () => void }) {
  const { t } = useTranslation();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <div class="card confirm" role="alertdialog" aria-labelledby="confirm-text">
      <p id="confirm-text">{p.text}</p>
      <button type="button" class="btn primary" ref={yes} onClick={p.onYes}>
        {t('team.confirm')}
      </button>{' '}
      <button type="button" class="btn" onClick={p.onNo}>
        {t('team.cancel')}
      </button>
    </div>
  );
}
