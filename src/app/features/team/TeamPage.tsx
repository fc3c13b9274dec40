/**
 * The coordinator's volunteers: who is active, who still has to activate,
 * who is locked; add one (and hand them a one-time code, also as a QR code),
 * issue a new code for a forgotten password, lock an account. Online.
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
import { session } from '../../session.ts';
import { useTranslation } from '../../use-translation.ts';
import { StaffNav } from '../../components/StaffNav.tsx';

interface Issued {
  name: string;
  username: string;
  enrolment: Enrolment;
}

type Pending = { kind: 'reset' | 'deactivate'; member: Member };

export function TeamPage() {
  const { t, lng } = useTranslation();
  const hamlets = session.value?.user.hamlets ?? [];
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
  const hamletName = (id: string | null) => hamlets.find((h) => h.id === id)?.name ?? id ?? '';
  const refresh = () => setAttempt((a) => a + 1);

  async function onAdd(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!displayName.trim())
      errs.displayName = `${t('fields.displayName')}: ${t('errors.required')}`;
    if (!username.trim()) errs.username = `${t('fields.username')}: ${t('errors.required')}`;
    if (!hamletId) errs.hamletId = `${t('fields.hamletId')}: ${t('errors.invalidChoice')}`;
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    setNotice(null);
    setActionError(false);
    try {
      const out = await api.addMember({ displayName, username, hamletId });
      setIssued({
        name: out.member.displayName,
        username: out.member.username,
        enrolment: out.enrolment,
      });
      setDisplayName('');
      setUsername('');
      refresh();
    } catch (err) {
      // Problems about a field go under it; any other (a body the server refused whole) above.
      if (err instanceof ApiValidationError && err.problems.every((p) => p.field !== '')) {
        setErrors(Object.fromEntries(err.problems.map((p) => [p.field, p.message])));
      } else setActionError(true);
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
          <TextField
            id="displayName"
            label={t('fields.displayName')}
            value={displayName}
            onInput={setDisplayName}
            error={errors.displayName}
            autoComplete="off"
            maxLength={80}
          />
          <TextField
            id="username"
            label={t('fields.username')}
            hint={t('errors.username')}
            value={username}
            onInput={setUsername}
            error={errors.username}
            autoComplete="off"
            autoCapitalize="none"
            maxLength={32}
          />
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
          <button type="submit" class="btn primary" disabled={busy}>
            {busy ? t('team.adding') : t('team.add')}
          </button>
        </form>
      </section>
    </main>
  );
}

/** The one-time code, large enough to read aloud, with its QR code and what to do with it. */
function EnrolmentCard(p: { issued: Issued; time: (iso: string) => string; onDone: () => void }) {
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
