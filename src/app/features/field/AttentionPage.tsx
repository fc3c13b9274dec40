/**
 * The attention list (SYNC.md §3.2): every change the server did not apply
 * as sent waits here, readable, until the volunteer decides what to do with
 * it. For each one: what happened in plain words, the volunteer's and the
 * server's values of the fields that differ, and the actions that make sense
 * for the reason. Nothing leaves this list without a press of a button.
 * Loaded lazily: not part of the first screen's bundle.
 */
import '../../../i18n/pages.ts'; // form.* and review.* strings
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import {
  deleteLog,
  dismissAttention,
  exportUnsynced,
  getLog,
  listAttention,
  listAttentionFor,
  saveLog,
  ValidationError,
  type AttentionItem,
  type UserDb,
} from '../../../storage/index.ts';
import { i18next } from '../../../i18n/index.ts';
import attentionVi from '../../../i18n/locales/attention.vi.json';
import attentionEn from '../../../i18n/locales/attention.en.json';
import { useTranslation } from '../../use-translation.ts';
import { session } from '../../session.ts';
import { formatDateTime, formatIsoDate } from '../../format.ts';
import { loadSkills, loadSkillVersions, localized, skillAt, skills } from '../../content.ts';
import { fieldKey } from './log-form.ts';
import {
  actionsFor,
  attentionCase,
  headlineContent,
  type AttentionAction,
} from './attention-view.ts';
import { diffContent, describeContent, type DiffRow, type FormatContext } from '../../log-diff.ts';
import { DiffTable } from '../../components/DiffTable.tsx';

type Translate = FormatContext['t'];

// This screen's strings are their own i18next namespace, loaded with the
// screen (both languages: a few KB), not with the first screen's locale.
i18next.addResourceBundle('vi', 'attention', attentionVi, true, true);
i18next.addResourceBundle('en', 'attention', attentionEn, true, true);
/** `t` for the `attention` namespace, in the active language at each call. */
const looseT = i18next.t.bind(i18next) as unknown as (
  key: string,
  opts: Record<string, unknown>,
) => string;
const ta: Translate = (key, opts) => looseT(key, { ...opts, ns: 'attention' });

export function AttentionPage() {
  const { t, lng } = useTranslation();
  const { route } = useLocation();
  const { query } = useRoute();
  const logFilter = query.log ?? null;
  const field = session.value?.field;
  const user = session.value?.user;
  const [items, setItems] = useState<AttentionItem[] | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'warn'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const messageRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    void loadSkills().catch(() => undefined);
  }, []);

  useEffect(() => {
    if (!field) return;
    let live = true;
    const load = logFilter ? listAttentionFor(field.db, logFilter) : listAttention(field.db);
    load.then(
      (list) => {
        if (!live) return;
        setItems(list);
        // Sessions started on an older checklist are described with that checklist.
        void loadSkillVersions(
          list.flatMap((i) => [
            ...(i.localPayload?.skills ?? []),
            ...(i.serverRecord?.skills ?? []),
          ]),
        );
      },
      (err: unknown) => {
        console.error(err);
        if (live) setItems([]);
      },
    );
    return () => {
      live = false;
    };
  }, [field, logFilter]);

  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  if (!field || !user) return null;
  const tr = t as unknown as Translate;
  const ctx: FormatContext = {
    t: tr,
    hamletName: (id) => user.hamlets.find((h) => h.id === id)?.name ?? id,
    skills: skills.value,
    skillAt,
    skillTitle: (s) => localized(s.title, lng),
  };

  async function act(item: AttentionItem, action: AttentionAction) {
    if (!field || !user) return;
    if (action === 'editResend') {
      route(`/field/log/${item.entityId}?resend=${item.mutationId}`);
      return;
    }
    setBusy(item.mutationId);
    try {
      const text = await perform(field.db, user.id, item, action);
      await field.engine?.notifySaved();
      const rest = await (logFilter
        ? listAttentionFor(field.db, logFilter)
        : listAttention(field.db));
      setItems(rest);
      setMessage({ tone: 'ok', text });
    } catch (err) {
      setMessage({
        tone: 'warn',
        text:
          err instanceof ValidationError
            ? ta('recreateInvalid')
            : t('form.saveFailed', { reason: err instanceof Error ? err.message : String(err) }),
      });
    } finally {
      setBusy(null);
    }
  }

  return (
    <main id="main" class="page">
      <a class="back" href="/field">
        ← {t('page.back')}
      </a>
      <h1>{ta('title')}</h1>
      {message && (
        <p
          ref={messageRef}
          tabIndex={-1}
          class={`banner ${message.tone}`}
          role={message.tone === 'warn' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
      {items === null && <p class="muted">{t('page.loading')}</p>}
      {items !== null && items.length === 0 && <p>{ta('empty')}</p>}
      {items !== null && items.length > 0 && (
        <>
          <p>{ta('intro')}</p>
          <ul class="cards attention-list" aria-label={ta('title')}>
            {items.map((item) => (
              <AttentionCard
                key={item.mutationId}
                item={item}
                ctx={ctx}
                lng={lng}
                busy={busy === item.mutationId}
                onAction={(a) => void act(item, a)}
              />
            ))}
          </ul>
        </>
      )}
      {logFilter && (
        <p>
          <a href="/field/attention">{ta('allItems')}</a>
        </p>
      )}
      <UnsentExport db={field.db} userId={user.id} ready={items !== null} />
    </main>
  );
}

/** Carries out an action; returns the message to show. */
async function perform(
  db: UserDb,
  userId: string,
  item: AttentionItem,
  action: Exclude<AttentionAction, 'editResend'>,
): Promise<string> {
  switch (action) {
    case 'recreate': {
      if (!item.localPayload) throw new Error('nothing to re-create');
      // A NEW log (new id): the old one stays deleted, as the server decided.
      await saveLog(db, { content: item.localPayload, userId });
      await dismissAttention(db, item.mutationId);
      return ta('recreated');
    }
    case 'discard': {
      await dismissAttention(db, item.mutationId);
      const log = await getLog(db, item.entityId);
      // The server never accepted this session: it would wait on the phone forever.
      if (log && log.serverVersion === null && log.syncState === 'rejected') {
        await deleteLog(db, item.entityId, userId);
      }
      return ta('discarded');
    }
    case 'understood':
      await dismissAttention(db, item.mutationId);
      return ta('acknowledged');
    case 'keepServer':
      await dismissAttention(db, item.mutationId);
      return ta('kept');
  }
}

function AttentionCard(p: {
  item: AttentionItem;
  ctx: FormatContext;
  lng: string;
  busy: boolean;
  onAction: (a: AttentionAction) => void;
}) {
  const { item, ctx } = p;
  const t = ctx.t;
  const c = attentionCase(item);
  const head = headlineContent(item);
  const headingId = `attention-${item.mutationId}`;
  const server = item.serverRecord;

  let rows: DiffRow[] = [];
  let columns: 'both' | 'local' | 'none' = 'none';
  if (item.localPayload && server && !server.deleted) {
    rows = diffContent(item.localPayload, server, ctx);
    columns = 'both';
  } else if (item.localPayload && c === 'deleted') {
    rows = describeContent(item.localPayload, ctx);
    columns = 'local';
  }

  return (
    <li class="card attention-item" aria-labelledby={headingId}>
      <h2 id={headingId} class="card-title">
        {head
          ? ta('itemTitle', {
              date: formatIsoDate(head.activityDate),
              kind: t(`kind.${head.kind}`),
            })
          : ta('itemTitleUnknown')}
      </h2>
      <p class="card-meta">
        {ta('changedAt', { time: formatDateTime(item.createdAtDevice, p.lng) })}
      </p>
      <p>{ta(`what.${c}`)}</p>
      {item.problems.length > 0 && (
        <ul class="error-box">
          {item.problems.map((pr) => (
            <li key={`${pr.field}:${pr.code}`}>
              {pr.field ? `${t(`fields.${fieldKey(pr.field)}`)}: ` : ''}
              {t(`errors.${pr.code}`)}
            </li>
          ))}
        </ul>
      )}
      {!item.localPayload && <p class="muted">{ta('youDeleted')}</p>}
      {item.localPayload && !server && <p class="muted">{ta('notOnServer')}</p>}
      {columns === 'both' && rows.length === 0 && <p class="muted">{ta('sameContent')}</p>}
      {rows.length > 0 && (
        <DiffTable
          caption={columns === 'both' ? ta('diffCaption') : ta('yoursCaption')}
          fieldHeader={ta('fieldColumn')}
          columns={[
            { header: ta('yours'), value: (r) => r.local },
            ...(columns === 'both'
              ? [{ header: ta('server'), value: (r: DiffRow) => r.server }]
              : []),
          ]}
          rows={rows}
          label={(key) => t(key)}
        />
      )}
      <div class="actions">
        {actionsFor(item).map((a, i) => (
          <button
            key={a}
            type="button"
            class={`btn${i === 0 ? ' primary' : ''}`}
            disabled={p.busy}
            onClick={() => p.onAction(a)}
          >
            {ta(a === 'discard' && item.name !== 'log.create' ? 'discardChange' : a)}
          </button>
        ))}
      </div>
    </li>
  );
}

/**
 * The last resort (SYNC.md §3.2): everything the server does not have yet,
 * saved as a .json file the volunteer can hand to the coordinator. A copy:
 * the outbox keeps everything.
 */
function UnsentExport({ db, userId, ready }: { db: UserDb; userId: string; ready: boolean }) {
  useTranslation(); // re-render when the language changes
  const [note, setNote] = useState<{ tone: 'ok' | 'warn'; text: string } | null>(null);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (ready && location.hash === '#unsent') ref.current?.scrollIntoView();
  }, [ready]);

  async function download() {
    try {
      const { fileName, json, count } = await exportUnsynced(db, { userId });
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setNote({ tone: 'ok', text: ta('exported', { file: fileName, count }) });
    } catch (err) {
      setNote({
        tone: 'warn',
        text: ta('exportFailed', {
          reason: err instanceof Error ? err.message : String(err),
        }),
      });
    }
  }

  return (
    <section id="unsent" ref={ref} class="export" aria-labelledby="unsent-title">
      <h2 id="unsent-title">{ta('exportTitle')}</h2>
      <p>{ta('exportIntro')}</p>
      <button type="button" class="btn" onClick={() => void download()}>
        {ta('export')}
      </button>
      {note && (
        <p class={`banner ${note.tone}`} role={note.tone === 'warn' ? 'alert' : 'status'}>
          {note.text}
        </p>
      )}
    </section>
  );
}
