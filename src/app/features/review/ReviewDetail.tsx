/**
 * One session for the coordinator: its content, and approve / return with a
 * comment. The decision names the version shown; if the volunteer changed
 * the session meanwhile the server refuses and the fresh content is shown.
 */
import '../../../i18n/pages.ts'; // form.* and review.* strings
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import type { LogRecord } from '../../../shared/schemas/log.ts';
import type { Skill } from '../../../shared/schemas/skill.ts';
import {
  ApiValidationError,
  HttpError,
  NetworkError,
  VersionMismatchError,
} from '../../../sync/api-client.ts';
import { useTranslation } from '../../use-translation.ts';
import { api } from '../../api.ts';
import { session } from '../../session.ts';
import { formatIsoDate } from '../../format.ts';
import { loadSkills, localized, skills } from '../../content.ts';
import { ReviewBadge } from '../../components/StatusBadge.tsx';
import { TextField } from '../../components/TextField.tsx';

export function ReviewDetail() {
  const { t, lng } = useTranslation();
  const { params } = useRoute();
  const id = params.id ?? '';
  const [log, setLog] = useState<LogRecord | null | 'missing' | 'failed'>(null);
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string | undefined>();
  const [message, setMessage] = useState<{ tone: 'ok' | 'warn'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadSkills().catch(() => undefined);
    api
      .getReviewLog(id)
      .then(setLog, (err: unknown) =>
        setLog(err instanceof HttpError && err.status === 404 ? 'missing' : 'failed'),
      );
  }, [id]);

  if (log === null)
    return (
      <main id="main" class="page">
        <p class="muted">{t('app.loading')}</p>
      </main>
    );
  if (log === 'missing' || log === 'failed') {
    return (
      <main id="main" class="page">
        <p role="alert">{log === 'missing' ? t('review.notFound') : t('review.loadFailed')}</p>
        <a href="/review">{t('app.back')}</a>
      </main>
    );
  }
  const current = log;

  async function decide(decision: 'approve' | 'return') {
    setCommentError(undefined);
    if (decision === 'return' && !comment.trim()) {
      setCommentError(`${t('fields.comment')}: ${t('errors.commentRequired')}`);
      return;
    }
    setBusy(true);
    try {
      const updated = await api.decide(current.id, {
        decision,
        expectedVersion: current.version,
        comment: comment.trim() || undefined,
      });
      setLog(updated);
      setComment('');
      setMessage({
        tone: 'ok',
        text: decision === 'approve' ? t('review.approved') : t('review.returned'),
      });
    } catch (err) {
      if (err instanceof VersionMismatchError) {
        setLog(err.log);
        setMessage({ tone: 'warn', text: t('review.versionMismatch') });
      } else if (err instanceof ApiValidationError) {
        setCommentError(err.problems[0]?.message);
      } else if (err instanceof NetworkError) {
        setMessage({ tone: 'warn', text: t('review.needsNetwork') });
      } else setMessage({ tone: 'warn', text: t('review.loadFailed') });
    } finally {
      setBusy(false);
    }
  }

  const hamlet =
    session.value?.user.hamlets.find((h) => h.id === current.hamletId)?.name ?? current.hamletId;
  const skillById = new Map<string, Skill>((skills.value ?? []).map((s) => [s.id, s]));
  const total = current.residents.under30 + current.residents.from30to59 + current.residents.over60;

  return (
    <main id="main" class="page">
      <a class="back" href="/review">
        ← {t('app.back')}
      </a>
      <h1>
        {current.authorName} · {formatIsoDate(current.activityDate)}
      </h1>
      <p>
        <ReviewBadge status={current.status} />
      </p>
      {message && (
        <p class={`banner ${message.tone}`} role={message.tone === 'warn' ? 'alert' : 'status'}>
          {message.text}
        </p>
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
          const skill = skillById.get(s.skillId);
          return (
            <li key={s.skillId}>
              <strong>{skill ? localized(skill.title, lng) : s.skillId}</strong>{' '}
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
      {current.status !== 'approved' && (
        <section class="decision" aria-label={t('fields.decision')}>
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
          </div>
        </section>
      )}
    </main>
  );
}
