/**
 * The admin's page: the communes of their province, a new commune, and its
 * first coordinator or admin (with a one-time code, as on the team page).
 * Online. An admin does not see other communes' records from here.
 */
import '../../../i18n/pages.ts'; // admin.* and the field names
import { useEffect, useState } from 'preact/hooks';
import type { AdminCommune } from '../../../shared/schemas/accounts.ts';
import { HttpError } from '../../../sync/errors.ts';
import { api } from '../../api.ts';
import { StaffNav } from '../../components/StaffNav.tsx';
import { TextField } from '../../components/TextField.tsx';
import { formatDateTime } from '../../format.ts';
import { useTranslation } from '../../use-translation.ts';
import { EnrolmentCard, fieldErrors, NameFields, type Issued } from './TeamPage.tsx';

type Errors = Record<string, string | undefined>;

export function AdminPage() {
  const { t, lng } = useTranslation();
  const [communes, setCommunes] = useState<AdminCommune[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [actionFailed, setActionFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [communeName, setCommuneName] = useState('');
  const [communeErrors, setCommuneErrors] = useState<Errors>({});
  const [target, setTarget] = useState('');
  const [role, setRole] = useState<'coordinator' | 'admin'>('coordinator');
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [staffErrors, setStaffErrors] = useState<Errors>({});

  useEffect(() => {
    let live = true;
    setFailed(false);
    api.adminCommunes().then(
      (list) => {
        if (!live) return;
        setCommunes(list);
        setTarget((cur) => cur || list[0]?.id || '');
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const required = (field: string) =>
    `${t(`fields.${field}` as 'fields.name')}: ${t('errors.required')}`;

  async function onAddCommune(e: Event) {
    e.preventDefault();
    if (busy) return;
    setNotice(null);
    setActionFailed(false);
    if (!communeName.trim()) return setCommuneErrors({ name: required('name') });
    setCommuneErrors({});
    setBusy(true);
    try {
      const c = await api.addCommune({ name: communeName });
      setCommuneName('');
      setNotice(t('admin.communeAdded', { name: c.name }));
      setTarget(c.id);
      setAttempt((a) => a + 1);
    } catch (err) {
      const errs = fieldErrors(err);
      if (errs) setCommuneErrors(errs);
      else setActionFailed(true);
    } finally {
      setBusy(false);
    }
  }

  async function onAddStaff(e: Event) {
    e.preventDefault();
    if (busy) return;
    setNotice(null);
    setActionFailed(false);
    const errs: Errors = {};
    if (!displayName.trim()) errs.displayName = required('displayName');
    if (!username.trim()) errs.username = required('username');
    setStaffErrors(errs);
    if (errs.displayName || errs.username || !target) return;
    setBusy(true);
    try {
      const out = await api.addCommuneStaff(target, { displayName, username, role });
      setIssued({
        name: out.member.displayName,
        username: out.member.username,
        enrolment: out.enrolment,
      });
      setDisplayName('');
      setUsername('');
      setAttempt((a) => a + 1);
    } catch (err) {
      const found = fieldErrors(err);
      if (found) setStaffErrors(found);
      else if (err instanceof HttpError && err.status === 409) setNotice(t('admin.hasStaff'));
      else setActionFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="page wide">
      <StaffNav />
      <h1>{t('admin.title')}</h1>
      <p class="muted">{t('admin.intro')}</p>
      {issued && (
        <EnrolmentCard
          issued={issued}
          time={(iso) => formatDateTime(Date.parse(iso), lng)}
          onDone={() => setIssued(null)}
        />
      )}
      {notice && (
        <p class="banner ok" role="status">
          {notice}
        </p>
      )}
      {actionFailed && (
        <p class="error-box" role="alert">
          {t('team.actionFailed')}
        </p>
      )}
      {failed && (
        <p class="error-box" role="alert">
          {t('admin.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('team.retry')}
          </button>
        </p>
      )}
      {communes === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {communes !== null && (
        <table class="table">
          <caption>{t('admin.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.commune')}</th>
              <th scope="col">{t('admin.hamlets')}</th>
              <th scope="col">{t('admin.staff')}</th>
            </tr>
          </thead>
          <tbody>
            {communes.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.name}</th>
                <td>{c.hamlets}</td>
                <td>{c.staff}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <section class="card" aria-labelledby="commune-title">
        <h2 id="commune-title">{t('admin.addCommuneTitle')}</h2>
        <form onSubmit={(e) => void onAddCommune(e)} noValidate>
          <TextField
            id="name"
            label={t('admin.communeName')}
            value={communeName}
            onInput={setCommuneName}
            error={communeErrors.name}
            autoComplete="off"
            maxLength={80}
          />
          <button type="submit" class="btn" disabled={busy}>
            {t('admin.addCommune')}
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="staff-title">
        <h2 id="staff-title">{t('admin.addStaffTitle')}</h2>
        <form onSubmit={(e) => void onAddStaff(e)} noValidate>
          <div class="field">
            <label for="staff-commune">{t('admin.commune')}</label>
            <select
              id="staff-commune"
              value={target}
              onChange={(e) => setTarget(e.currentTarget.value)}
            >
              {communes?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="staff-role">{t('fields.role')}</label>
            <select
              id="staff-role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as 'coordinator' | 'admin')}
            >
              <option value="coordinator">{t('roles.coordinator')}</option>
              <option value="admin">{t('roles.admin')}</option>
            </select>
          </div>
          <NameFields
            displayName={displayName}
            username={username}
            errors={staffErrors}
            onDisplayName={setDisplayName}
            onUsername={setUsername}
          />
          <button type="submit" class="btn primary" disabled={busy}>
            {t('team.add')}
          </button>
        </form>
      </section>
    </main>
  );
}
