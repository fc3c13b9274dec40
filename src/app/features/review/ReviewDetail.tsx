/**
 * One session for the coordinator: its content, and approve / return with a
 * comment. The decision names the version shown; if the volunteer changed
 * the session meanwhile the server refuses and the fresh content is shown.
 * An approved session can carry amendment requests (the volunteer's edit or
 * delete after approval, SYNC.md §3.5): each shows the fields it would
 * change, and the coordinator accepts or declines it, bound to the version shown.
 */
import '../../../i18n/pages.ts'; // form.* and review.* strings
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import type { LogRecord } from '../../../shared/schemas/log.ts';
import type { Amendment, ReviewDetail as Detail } from '../../../shared/schemas/review.ts';
import {
  AmendmentConflictError,
  ApiValidationError,
  HttpError,
  NetworkError,
  VersionMismatchError,
} from '../../../sync/api-client.ts';
import { useTranslation } from '../../use-translation.ts';
import { api } from '../../api.ts';
import { session } from '../../session.ts';
import { formatDateTime, formatIsoDate } from '../../format.ts';
import { diffContent, type FormatContext } from '../../log-diff.ts';
import {
  loadSkills,
  loadSkillVersions,
  localized,
  skillAt,
  skills,
  skillTitle,
} from '../../content.ts';
import { ReviewBadge } from '../../components/StatusBadge.tsx';
import { TextField } from '../../components/TextField.tsx';
import { DiffTable } from '../../components/DiffTable.tsx';

/** The short list a coordinator returns a session with (the text goes to the volunteer). */
const RETURN_REASONS = [
  'missing_info',
  'wrong_count',
  'wrong_skill',
  'wrong_date',
  'duplicate',
  'other',
] as const;
type ReturnReason = (typeof RETURN_REASONS)[number];

export function ReviewDetail() {
  const { t, lng } = useTranslation();
  const { params } = useRoute();
  const id = params.id ?? '';
  const [detail, setDetail] = useState<Detail | null | 'missing' | 'failed'>(null);
  const [comment, setComment] = useState('');
  /** A reason from the short list; the comment is then optional (but for "other"). */
  const [reason, setReason] = useState<ReturnReason | ''>('');
  const [commentError, setCommentError] = useState<string | undefined>();
  const [message, setMessage] = useState<{ tone: 'ok' | 'warn'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** After a decision: the next session waiting in the queue (null: none), to go on to. */
  const [next, setNext] = useState<{ id: string; label: string } | null | undefined>(undefined);
  const messageRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Another session (the "next" link): nothing of the last one stays on screen.
    setDetail(null);
    setMessage(null);
    setNext(undefined);
    setComment('');
    setReason('');
    setCommentError(undefined);
    void loadSkills().catch(() => undefined);
    let live = true;
    api.getReviewDetail(id).then(
      (d) => {
        if (!live) return; // a later session's answer is on its way
        setDetail(d);
        // Sessions started on an older checklist are shown with that checklist's
        // steps: the log, the content last reviewed, and each amendment.
        void loadSkillVersions([
          ...d.log.skills,
          ...(d.reviewed?.content.skills ?? []),
          ...d.amendments.flatMap((a) => a.localPayload?.skills ?? []),
        ]);
      },
      (err: unknown) => {
        if (live) setDetail(err instanceof HttpError && err.status === 404 ? 'missing' : 'failed');
      },
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (detail === null)
    return (
      <main id="main" class="page">
        <p class="muted">{t('page.loading')}</p>
      </main>
    );
  if (detail === 'missing' || detail === 'failed') {
    return (
      <main id="main" class="page">
        <p role="alert">{detail === 'missing' ? t('review.notFound') : t('review.loadFailed')}</p>
        <a href="/review">{t('page.back')}</a>
      </main>
    );
  }
  const current = detail.log;
  /** The log changed on the server (the volunteer's edit landed): keep its requests. */
  const setLog = (log: LogRecord) => setDetail({ ...detail, log });

  /** Shows what went wrong with a request, in words. */
  function failed(err: unknown) {
    if (err instanceof NetworkError) setMessage({ tone: 'warn', text: t('review.needsNetwork') });
    else setMessage({ tone: 'warn', text: t('review.loadFailed') });
  }

  async function decide(decision: 'approve' | 'return', why: ReturnReason | '' = reason) {
    setCommentError(undefined);
    if (decision === 'return' && !comment.trim() && (why === '' || why === 'other')) {
      setCommentError(`${t('fields.comment')}: ${t('errors.commentRequired')}`);
      return;
    }
    // What the volunteer reads: the reason, then the coordinator's words.
    const text =
      decision === 'return' && why !== '' && why !== 'other'
        ? [t(`review.reasons.${why}`), comment.trim()].filter(Boolean).join('. ')
        : comment.trim();
    setBusy(true);
    try {
      const updated = await api.decide(current.id, {
        decision,
        expectedVersion: current.version,
        comment: text || undefined,
      });
      setLog(updated);
      setComment('');
      setReason('');
      setMessage({
        tone: 'ok',
        text: decision === 'approve' ? t('review.approved') : t('review.returned'),
      });
      // The decision's buttons are gone: focus goes to what happened, and the way on.
      requestAnimationFrame(() => messageRef.current?.focus());
      void findNext(current.id);
    } catch (err) {
      if (err instanceof VersionMismatchError) {
        setLog(err.log);
        setMessage({ tone: 'warn', text: t('review.versionMismatch') });
      } else if (err instanceof ApiValidationError) {
        setCommentError(err.problems[0]?.message);
      } else failed(err);
    } finally {
      setBusy(false);
    }
  }

  /** The first session still to review in the queue, other than this one. */
  async function findNext(done: string) {
    try {
      const page = await api.listReviewLogs({ status: 'to_review', limit: 2 });
      const n = page.items.find((l) => l.id !== done);
      setNext(n ? { id: n.id, label: `${n.authorName} · ${formatIsoDate(n.activityDate)}` } : null);
    } catch {
      setNext(undefined); // offline: the link back to the queue is still there
    }
  }

  async function decideAmendment(a: Amendment, decision: 'accept' | 'decline') {
    setBusy(true);
    try {
      const updated = await api.decideAmendment(current.id, a.id, {
        decision,
        expectedVersion: current.version,
      });
      setDetail(updated);
      const done =
        decision === 'decline'
          ? 'review.amendmentDeclined'
          : a.kind === 'delete'
            ? 'review.amendmentDeleted'
            : 'review.amendmentAccepted';
      setMessage({ tone: 'ok', text: t(done) });
    } catch (err) {
      if (err instanceof AmendmentConflictError) {
        setDetail(err.detail);
        setMessage({ tone: 'warn', text: t('review.amendmentChanged') });
      } else failed(err);
    } finally {
      setBusy(false);
    }
  }

  const formatCtx: FormatContext = {
    t: t as unknown as FormatContext['t'],
    hamletName: (hid) => session.value?.user.hamlets.find((h) => h.id === hid)?.name ?? hid,
    skills: skills.value ?? null,
    skillAt,
    skillTitle: (skill) => localized(skill.title, lng),
  };
  const hamlet = formatCtx.hamletName(current.hamletId);
  const total = current.residents.under30 + current.residents.from30to59 + current.residents.over60;

  return (
    <main id="main" class="page">
      <a class="back" href="/review">
        ← {t('page.back')}
      </a>
      <h1>
        {current.authorName} · {formatIsoDate(current.activityDate)}
      </h1>
      <p>
        <ReviewBadge status={current.status} />
      </p>
      {current.deleted && <p class="banner warn">{t('review.deleted')}</p>}
      {message && (
        <div
          class={`banner ${message.tone}`}
          role={message.tone === 'warn' ? 'alert' : 'status'}
          tabIndex={-1}
          ref={messageRef}
        >
          <p>{message.text}</p>
          {next !== undefined && (
            <p>
              {next ? (
                <a href={`/review/${next.id}`}>{t('review.next', { label: next.label })}</a>
              ) : (
                t('review.queueEmpty')
              )}{' '}
              · <a href="/review">{t('review.backToQueue')}</a>
            </p>
          )}
        </div>
      )}
      {current.reviewComment && (
        <p class="comment">{t('field.returnedComment', { comment: current.reviewComment })}</p>
      )}
      <dl class="facts">
        <dt>{t('fields.hamletId')}</dt>
        <dd>{hamlet}</dd>
        <dt>{t('fields.kind')}</dt>
        <dd>{t(`kind.${current.kind}`)}</dd>
        <dt>{t('fields.residents')}</dt>
        <dd>
          {total} ({t('fields.residents.under30')}: {current.residents.under30};{' '}
          {t('fields.residents.from30to59')}: {current.residents.from30to59};{' '}
          {t('fields.residents.over60')}: {current.residents.over60})
          {current.residents.women !== undefined &&
            `, ${t('review.women', { count: current.residents.women })}`}
        </dd>
        <dt>{t('fields.language')}</dt>
        <dd>{t(`language.${current.language}`)}</dd>
        <dt>{t('fields.outcome')}</dt>
        <dd>
          {t(`outcome.${current.outcome}`)}
          {current.reason ? ` — ${t(`reason.${current.reason}`)}` : ''}
        </dd>
        {current.householdCode && (
          <>
            <dt>{t('fields.householdCode')}</dt>
            <dd>{current.householdCode}</dd>
          </>
        )}
        <dt>{t('fields.notes')}</dt>
        <dd class="notes">{current.notes || '—'}</dd>
      </dl>
      <h2>{t('fields.skills')}</h2>
      <ul class="skill-summary">
        {current.skills.map((s) => {
          // The checklist the session was on (an older one once loaded from the archive).
          const skill = skillAt(s.skillId, s.contentVersion);
          return (
            <li key={s.skillId}>
              <strong>{skillTitle(s.skillId, lng)}</strong>{' '}
              {skill && t('form.stepsOf', { done: s.stepsDone.length, total: skill.steps.length })}
              {skill && (
                <ul>
                  {skill.steps
                    .filter((st) => s.stepsDone.includes(st.id))
                    .map((st) => (
                      <li key={st.id}>✓ {localized(st.text, lng)}</li>
                    ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      {detail.reviewed && (
        <section aria-labelledby="since-review">
          <h2 id="since-review">{t('review.sinceReviewTitle')}</h2>
          <p>
            {t('review.sinceReviewIntro', {
              date: formatDateTime(Date.parse(detail.reviewed.at), lng),
            })}
          </p>
          <DiffTable
            caption={t('review.sinceReviewCaption')}
            fieldHeader={t('review.fieldColumn')}
            columns={[
              { header: t('review.whenReviewed'), value: (r) => r.server },
              { header: t('review.now'), value: (r) => r.local },
            ]}
            rows={diffContent(current, detail.reviewed.content, formatCtx)}
            label={(k) => t(k as 'fields.notes')}
          />
        </section>
      )}
      {detail.history && detail.history.length > 0 && (
        <details class="history">
          <summary>{t('review.historyTitle', { count: detail.history.length })}</summary>
          <ol>
            {detail.history.map((h) => (
              <li key={h.version}>
                {formatDateTime(Date.parse(h.at), lng)} — {h.actorName ?? t('audit.system')}:{' '}
                {t(`review.revision.${h.kind}`)}
                {h.kind === 'content' &&
                  h.changedFields.length > 0 &&
                  ` (${h.changedFields.map((f) => t(`fields.${f}` as 'fields.notes')).join(', ')})`}
              </li>
            ))}
          </ol>
        </details>
      )}
      {!current.deleted && detail.amendments.length > 0 && (
        <section class="amendments" aria-labelledby="amendments-title">
          <h2 id="amendments-title">{t('review.amendmentsTitle')}</h2>
          <p>{t('review.amendmentIntro')}</p>
          {detail.amendments.map((a) => (
            <AmendmentCard
              key={a.id}
              amendment={a}
              log={current}
              ctx={formatCtx}
              lng={lng}
              busy={busy}
              onDecide={(d) => void decideAmendment(a, d)}
            />
          ))}
        </section>
      )}
      {!current.deleted && current.status !== 'approved' && (
        <section class="decision" aria-label={t('fields.decision')}>
          <div class="field">
            <label for="return-reason">{t('review.returnReason')}</label>
            <select
              id="return-reason"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value as ReturnReason | '')}
            >
              <option value="">—</option>
              {RETURN_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`review.reasons.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <TextField
            id="comment"
            multiline
            label={t('review.returnComment')}
            hint={t('review.returnCommentHint')}
            value={comment}
            onInput={setComment}
            error={commentError}
            maxLength={1000}
          />
          <div class="actions">
            <button
              type="button"
              class="btn primary"
              disabled={busy}
              onClick={() => void decide('approve')}
            >
              {t('review.approve')}
            </button>
            <button type="button" class="btn" disabled={busy} onClick={() => void decide('return')}>
              {t('review.return')}
            </button>
            <button
              type="button"
              class="btn ghost"
              disabled={busy}
              onClick={() => void decide('return', 'duplicate')}
            >
              {t('review.markDuplicate')}
            </button>
          </div>
        </section>
      )}
    </main>
  );
}

/** One amendment request: what it would change, and accept / decline. */
function AmendmentCard(p: {
  amendment: Amendment;
  log: LogRecord;
  ctx: FormatContext;
  lng: string;
  busy: boolean;
  onDecide: (d: 'accept' | 'decline') => void;
}) {
  const { amendment: a, ctx } = p;
  const t = ctx.t;
  const rows = a.localPayload ? diffContent(a.localPayload, p.log, ctx) : [];
  const headingId = `amendment-${a.id}`;
  return (
    <article class="card" aria-labelledby={headingId}>
      <h3 id={headingId} class="card-title">
        {t(a.kind === 'delete' ? 'review.amendmentDeleteTitle' : 'review.amendmentEdit')}
      </h3>
      <p class="card-meta">
        {t('review.amendmentSent', { time: formatDateTime(Date.parse(a.createdAt), p.lng) })}
      </p>
      {a.kind === 'delete' && <p>{t('review.amendmentDelete')}</p>}
      {a.kind === 'edit' && rows.length === 0 && <p class="muted">{t('review.amendmentSame')}</p>}
      {rows.length > 0 && (
        <DiffTable
          caption={t('review.amendmentDiff')}
          fieldHeader={t('review.fieldColumn')}
          columns={[
            { header: t('review.approvedVersion'), value: (r) => r.server },
            { header: t('review.requestedVersion'), value: (r) => r.local },
          ]}
          rows={rows}
          label={(key) => t(key)}
        />
      )}
      <div class="actions">
        <button
          type="button"
          class="btn primary"
          disabled={p.busy}
          onClick={() => p.onDecide('accept')}
        >
          {t(a.kind === 'delete' ? 'review.acceptDelete' : 'review.acceptAmendment')}
        </button>
        <button type="button" class="btn" disabled={p.busy} onClick={() => p.onDecide('decline')}>
          {t('review.declineAmendment')}
        </button>
      </div>
    </article>
  );
}
