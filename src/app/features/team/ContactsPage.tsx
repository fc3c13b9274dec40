/**
 * Follow-up contacts for the commune's coordinators and the hamlet's team
 * lead (docs/SECURITY.md "Follow-up contacts"): who asked to be contacted
 * again, until the server deletes them; delete one when the resident asks.
 * Online only: the names and phones never stay on this computer.
 */
import '../../../i18n/pages.ts'; // contacts.*
import { useEffect, useState } from 'preact/hooks';
import type { ContactRow } from '../../../shared/schemas/contact.ts';
import { CONTACT_RETENTION_DAYS } from '../../../shared/schemas/contact.ts';
import { api } from '../../api.ts';
import { StaffNav } from '../../components/StaffNav.tsx';
import { formatIsoDate, todayIso } from '../../format.ts';
import { session } from '../../session.ts';
import { useTranslation } from '../../use-translation.ts';

export function ContactsPage() {
  const { t } = useTranslation();
  const [contacts, setContacts] = useState<ContactRow[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  /** The row whose deletion is being confirmed. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const hamlets = new Map((session.value?.user.hamlets ?? []).map((h) => [h.id, h.name]));

  useEffect(() => {
    let live = true;
    setFailed(false);
    api.listContacts().then(
      (rows) => live && setContacts(rows),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  async function remove(c: ContactRow) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await api.deleteContact(c.logId);
      setContacts((prev) => (prev ?? []).filter((x) => x.logId !== c.logId));
      setConfirming(null);
      setNotice(t('contacts.deleted', { name: c.name }));
    } catch {
      setError(t('contacts.deleteFailed'));
    } finally {
      setBusy(false);
    }
  }

  const day = (iso: string) => formatIsoDate(todayIso(new Date(iso)));

  return (
    <main id="main" class="page wide">
      <StaffNav />
      <h1>{t('contacts.title')}</h1>
      <p class="muted">{t('contacts.intro', { days: CONTACT_RETENTION_DAYS })}</p>
      {failed && (
        <p class="error-box" role="alert">
          {t('contacts.loadFailed')}{' '}
          <button type="button" class="btn small" onClick={() => setAttempt((a) => a + 1)}>
            {t('audit.retry')}
          </button>
        </p>
      )}
      {notice && (
        <p class="banner ok" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error-box" role="alert">
          {error}
        </p>
      )}
      {contacts === null && !failed && <p class="muted">{t('page.loading')}</p>}
      {contacts !== null && contacts.length === 0 && <p class="muted">{t('contacts.empty')}</p>}
      {contacts !== null && contacts.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">{t('contacts.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('contacts.resident')}</th>
              <th scope="col">{t('contacts.phone')}</th>
              <th scope="col">{t('contacts.session')}</th>
              <th scope="col">{t('contacts.deleteAfter')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('contacts.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.logId}>
                <td>{c.name}</td>
                <td>
                  <a href={`tel:${c.phone}`}>{c.phone}</a>
                </td>
                <td>
                  <a href={`/review/${c.logId}`}>
                    {t('contacts.sessionOf', {
                      date: formatIsoDate(c.activityDate),
                      hamlet: hamlets.get(c.hamletId) ?? c.hamletId,
                      volunteer: c.recordedByName,
                    })}
                  </a>
                </td>
                <td>{day(c.deleteAfter)}</td>
                <td>
                  {confirming === c.logId ? (
                    <span
                      class="confirm"
                      role="group"
                      aria-label={t('contacts.confirm', { name: c.name })}
                    >
                      <span>{t('contacts.confirm', { name: c.name })}</span>{' '}
                      <button
                        type="button"
                        class="btn small danger"
                        disabled={busy}
                        onClick={() => void remove(c)}
                      >
                        {t('contacts.confirmDelete')}
                      </button>{' '}
                      <button
                        type="button"
                        class="btn small ghost"
                        onClick={() => setConfirming(null)}
                      >
                        {t('contacts.cancel')}
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      class="btn small"
                      aria-label={t('contacts.deleteOf', { name: c.name })}
                      onClick={() => setConfirming(c.logId)}
                    >
                      {t('contacts.delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
