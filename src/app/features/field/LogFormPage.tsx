/**
 * Record (or edit) a support session. Saving writes the record and its outbox
 * entry on the phone in one transaction and returns at once; sync happens in
 * the background. Loaded lazily: not part of the first screen's bundle.
 */
import '../../../i18n/pages.ts'; // form.* and review.* strings
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import {
  dismissAttention,
  getContact,
  getLog,
  listAttentionFor,
  saveLog,
  ValidationError,
  type LocalContact,
  type LocalLog,
} from '../../../storage/index.ts';
import { CONTACT_RETENTION_DAYS } from '../../../shared/schemas/contact.ts';
import {
  NOT_DONE_REASONS,
  OUTCOMES,
  SESSION_KINDS,
  SESSION_LANGUAGES,
  type LogContent,
} from '../../../shared/schemas/log.ts';
import type { FieldProblem } from '../../../shared/validation.ts';
import type { Skill } from '../../../shared/schemas/skill.ts';
import { useTranslation } from '../../use-translation.ts';
import { session } from '../../session.ts';
import {
  loadSkills,
  loadSkillVersions,
  localized,
  skillAt,
  skills,
  skillsFailed,
  skillVersionState,
} from '../../content.ts';
import { loadTutorial } from '../../learn/tutorials.ts';
import type { Tutorial } from '../../../shared/schemas/tutorial.ts';
import { todayIso, formatIsoDate } from '../../format.ts';
import { flash } from '../../flash.ts';
import { TextField } from '../../components/TextField.tsx';
import { ReviewBadge, SyncBadge } from '../../components/StatusBadge.tsx';
import {
  emptyForm,
  fieldKey,
  formFromContent,
  parseContact,
  parseForm,
  residentsTotal,
  type FormState,
} from './log-form.ts';
import { claimDraft, clearDraft, readDraft, writeDraft, type DraftSlot } from './draft.ts';

export function LogFormPage() {
  const { t, lng } = useTranslation();
  const { route } = useLocation();
  const { params, query } = useRoute();
  const logId = params.id ?? null;
  /** Set when the volunteer fixes a change from the attention list (its mutation id). */
  const resend = logId ? (query.resend ?? null) : null;
  const s = session.value;
  const field = s?.field;
  const user = s?.user;
  const [existing, setExisting] = useState<LocalLog | null | undefined>(logId ? undefined : null);
  /** The follow-up contact saved with this log, if any (pending, or sent and purged). */
  const [savedContact, setSavedContact] = useState<LocalContact | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [restored, setRestored] = useState(false);
  const [resending, setResending] = useState(false);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  /** Where this form's draft is kept (see draft.ts); null until claimed. */
  const draftSlot = useRef<DraftSlot | null>(null);

  useEffect(() => {
    void loadSkills().catch(() => undefined);
  }, []);

  useEffect(() => {
    if (!field || !user) return;
    let live = true;
    let slot: DraftSlot | null = null;
    const init = (
      log: LocalLog | null,
      sent: LogContent | null,
      claimed: DraftSlot,
      contact: LocalContact | null = null,
    ) => {
      if (!live) return claimed.release();
      slot = draftSlot.current = claimed;
      setExisting(log);
      setSavedContact(contact);
      setResending(sent !== null);
      const draft = readDraft(claimed);
      if (draft) {
        // A draft typed before an app update lacks the newer fields: blank them.
        setForm({ ...blankForm(user), ...draft });
        setRestored(true);
      } else {
        const base = sent ? formFromContent(sent) : log ? formFromContent(log) : blankForm(user);
        setForm(withContact(base, contact));
      }
    };
    if (logId) {
      const db = field.db;
      // Fixing a change the server did not take: start from what was sent, not the server's copy.
      const sentPayload = resend
        ? listAttentionFor(db, logId).then(
            (items) => items.find((i) => i.mutationId === resend)?.localPayload ?? null,
          )
        : Promise.resolve(null);
      Promise.all([
        getLog(db, logId),
        sentPayload,
        claimDraft(user.id, logId),
        getContact(db, logId).catch(() => undefined),
      ]).then(
        ([l, sent, claimed, contact]) => init(l ?? null, l ? sent : null, claimed, contact ?? null),
        () => void claimDraft(user.id, logId).then((claimed) => init(null, null, claimed)),
      );
    } else void claimDraft(user.id, null).then((claimed) => init(null, null, claimed));
    return () => {
      live = false;
      slot?.release();
      draftSlot.current = null;
    };
    // The user's id, not the profile object: a profile refreshed from the server
    // while the form claims its draft must not start a second claim beside the
    // first (it would find the draft locked by the first and open blank).
  }, [field, user?.id, logId, resend]);

  const errorsByField = useMemo(() => {
    const map: Record<string, string> = {};
    for (const p of problems) {
      const k = fieldKey(p.field);
      const top = k.startsWith('skills') ? 'skills' : k;
      map[top] ??=
        `${t(`fields.${k}` as 'fields.notes')}: ${t(`errors.${p.code}` as 'errors.invalid')}`;
    }
    return map;
  }, [problems, t]);

  if (!field || !user) return null;
  if (existing === undefined || form === null) {
    return (
      <main id="main" class="page">
        <p class="muted">{t('page.loading')}</p>
      </main>
    );
  }
  if (logId && existing === null) {
    return (
      <main id="main" class="page">
        <p>{t('review.notFound')}</p>
        <a href="/field">{t('page.back')}</a>
      </main>
    );
  }

  const locked = existing?.status === 'approved';
  const update = (patch: Partial<FormState>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (draftSlot.current) writeDraft(draftSlot.current, next);
  };

  async function onSave(e: Event) {
    e.preventDefault();
    if (!form || !field || !user) return;
    const parsed = parseForm(form, user.communeId, todayIso());
    const contact = parseContact(form, lng === 'en' ? 'en' : 'vi');
    if (!parsed.ok || !contact.ok) {
      setProblems([...(parsed.ok ? [] : parsed.problems), ...(contact.ok ? [] : contact.problems)]);
      setSaveError(null);
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setProblems([]);
    setSaving(true);
    const start = performance.now();
    try {
      await saveLog(field.db, {
        id: logId ?? undefined,
        content: parsed.content,
        userId: user.id,
        // A contact not (or no longer) agreed to: withdraw one still waiting on the phone.
        ...(contact.contact
          ? { contact: contact.contact }
          : savedContact?.state === 'pending'
            ? { contact: null }
            : {}),
      });
      // The fixed change is queued: the one the server refused has been dealt with.
      if (resending && resend) await dismissAttention(field.db, resend);
      performance.measure('log-save', { start, end: performance.now() });
      if (draftSlot.current) clearDraft(draftSlot.current);
      await field.engine?.notifySaved();
      flash(t('form.savedOnDevice'));
      route('/field');
    } catch (err) {
      if (err instanceof ValidationError) setProblems(err.problems);
      else if (err instanceof DOMException && err.name === 'QuotaExceededError')
        setSaveError(t('form.storageFull'));
      else
        setSaveError(
          t('form.saveFailed', { reason: err instanceof Error ? err.message : String(err) }),
        );
      requestAnimationFrame(() => summaryRef.current?.focus());
    } finally {
      setSaving(false);
    }
  }

  const title = locked ? t('form.viewTitle') : logId ? t('form.editTitle') : t('form.newTitle');
  const total = residentsTotal(form);

  return (
    <main id="main" class="page">
      <a class="back" href="/field">
        ← {t('page.back')}
      </a>
      <h1>{title}</h1>
      {existing && (
        <div class="log-status">
          <span class="badges">
            <SyncBadge state={existing.syncState} />
            {existing.status && <ReviewBadge status={existing.status} />}
          </span>
          {existing.reviewComment && (
            <p class="comment">{t('field.returnedComment', { comment: existing.reviewComment })}</p>
          )}
          {existing.problem && (
            <p class="error-box" role="alert">
              {t('form.serverProblem', { reason: t(`reasons.${existing.problem.reason}`) })}{' '}
              <a href={`/field/attention?log=${existing.id}`}>{t('form.openAttention')}</a>
            </p>
          )}
        </div>
      )}
      {locked && <p class="banner info">{t('form.approvedLocked')}</p>}
      {resending && !locked && (
        <p class="banner info" role="status">
          {t('form.resending')}
        </p>
      )}
      {restored && !locked && (
        <p class="banner info" role="status">
          {t('form.draftRestored')}{' '}
          <button
            type="button"
            class="btn small ghost"
            onClick={() => {
              if (draftSlot.current) clearDraft(draftSlot.current);
              setRestored(false);
              setForm(
                withContact(existing ? formFromContent(existing) : blankForm(user), savedContact),
              );
            }}
          >
            {t('form.discardDraft')}
          </button>
        </p>
      )}
      <div ref={summaryRef} tabIndex={-1} class="summary-target">
        {problems.length > 0 && (
          <div class="error-box" role="alert">
            <p>{t('form.fixErrors', { count: Object.keys(errorsByField).length })}</p>
            <ul>
              {Object.entries(errorsByField).map(([k, msg]) => (
                <li key={k}>{msg}</li>
              ))}
            </ul>
          </div>
        )}
        {saveError && (
          <p class="error-box" role="alert">
            {saveError}
          </p>
        )}
      </div>
      <p class="privacy-note">{t('form.privacyNote')}</p>
      <form onSubmit={(e) => void onSave(e)} noValidate>
        <fieldset disabled={locked} class="plain">
          <TextField
            id="activityDate"
            type="date"
            label={t('fields.activityDate')}
            value={form.activityDate}
            onInput={(activityDate) => update({ activityDate })}
            error={errorsByField.activityDate}
            max={todayIso()}
          />
          <div class={`field${errorsByField.hamletId ? ' has-error' : ''}`}>
            <label for="hamletId">{t('fields.hamletId')}</label>
            <select
              id="hamletId"
              value={form.hamletId}
              aria-invalid={errorsByField.hamletId ? true : undefined}
              onChange={(e) => update({ hamletId: e.currentTarget.value })}
            >
              {user.hamlets.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
            <FieldError id="hamletId" msg={errorsByField.hamletId} />
          </div>
          <RadioGroup
            name="kind"
            legend={t('fields.kind')}
            options={SESSION_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
            value={form.kind}
            onChange={(kind) => update({ kind })}
            error={errorsByField.kind}
          />
          <fieldset class={`group${errorsByField.residents ? ' has-error' : ''}`}>
            <legend>{t('fields.residents')}</legend>
            <p class="hint">{t('form.residentsHint')}</p>
            <div class="row3">
              {(['under30', 'from30to59', 'over60'] as const).map((band) => (
                <TextField
                  key={band}
                  id={`residents-${band}`}
                  type="number"
                  inputMode="numeric"
                  min="0"
                  max="500"
                  label={t(`fields.residents.${band}`)}
                  value={form[band]}
                  onInput={(val) => update({ [band]: val })}
                  error={errorsByField[`residents.${band}`]}
                />
              ))}
            </div>
            <p class="total" aria-live="polite">
              {t('form.residentsTotal', { count: total })}
            </p>
            <TextField
              id="residents-women"
              type="number"
              inputMode="numeric"
              min="0"
              max="500"
              label={t('fields.residents.women')}
              hint={t('form.womenHint')}
              value={form.women}
              onInput={(val) => update({ women: val })}
              error={errorsByField['residents.women']}
            />
            <FieldError id="residents" msg={errorsByField.residents} />
          </fieldset>
          <div class="field">
            <label for="language">{t('fields.language')}</label>
            <select
              id="language"
              value={form.language}
              onChange={(e) => update({ language: e.currentTarget.value as FormState['language'] })}
            >
              {SESSION_LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`language.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <SkillsPicker
            lng={lng}
            form={form}
            onChange={(next) => update({ skills: next })}
            error={errorsByField.skills}
          />
          <RadioGroup
            name="outcome"
            legend={t('fields.outcome')}
            options={OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
            value={form.outcome}
            onChange={(outcome) => update({ outcome })}
            error={errorsByField.outcome}
          />
          {form.outcome !== '' && form.outcome !== 'done' && (
            <div class={`field${errorsByField.reason ? ' has-error' : ''}`}>
              <label for="reason">{t('fields.reason')}</label>
              <select
                id="reason"
                value={form.reason}
                aria-invalid={errorsByField.reason ? true : undefined}
                onChange={(e) => update({ reason: e.currentTarget.value as FormState['reason'] })}
              >
                <option value="">—</option>
                {NOT_DONE_REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(`reason.${r}`)}
                  </option>
                ))}
              </select>
              <FieldError id="reason" msg={errorsByField.reason} />
            </div>
          )}
          <TextField
            id="householdCode"
            label={t('fields.householdCode')}
            hint={t('form.householdHint')}
            value={form.householdCode}
            onInput={(householdCode) => update({ householdCode })}
            error={errorsByField.householdCode}
            autoCapitalize="characters"
            maxLength={20}
          />
          <TextField
            id="notes"
            multiline
            label={t('fields.notes')}
            hint={t('form.notesHint')}
            value={form.notes}
            onInput={(notes) => update({ notes })}
            error={errorsByField.notes}
            maxLength={1000}
          />
          <ContactSection form={form} saved={savedContact} update={update} errors={errorsByField} />
        </fieldset>
        {!locked && (
          <div class="actions sticky">
            <button type="submit" class="btn primary block" disabled={saving}>
              {saving ? t('form.saving') : t('form.save')}
            </button>
          </div>
        )}
      </form>
      {existing && <p class="muted small">{formatIsoDate(existing.activityDate)}</p>}
    </main>
  );
}

/** The form with a contact still waiting on the phone filled in (a sent one is not kept here). */
function withContact(f: FormState, c: LocalContact | null): FormState {
  if (c?.state !== 'pending') return f;
  return {
    ...f,
    contactConsent: true,
    contactName: c.contact.name,
    contactPhone: c.contact.phone,
  };
}

/**
 * The optional follow-up contact (docs/SECURITY.md): the notice to read to
 * the resident, an unticked consent box, and only then the name and phone.
 * Once sent, the phone no longer has them and says so.
 */
function ContactSection(p: {
  form: FormState;
  saved: LocalContact | null;
  update: (patch: Partial<FormState>) => void;
  errors: Record<string, string>;
}) {
  const { t } = useTranslation();
  if (p.saved?.state === 'sent') {
    return (
      <fieldset class="group contact">
        <legend>{t('form.contactTitle')}</legend>
        <p class="hint">
          {t('form.contactSent', { date: formatIsoDate(todayIso(new Date(p.saved.deleteAfter))) })}
        </p>
      </fieldset>
    );
  }
  const { form, update, errors } = p;
  return (
    <fieldset class={`group contact${errors['contact.consent'] ? ' has-error' : ''}`}>
      <legend>{t('form.contactTitle')}</legend>
      <p class="hint">{t('form.contactIntro')}</p>
      <blockquote class="notice" id="contact-notice">
        {t('form.contactNotice', { days: CONTACT_RETENTION_DAYS })}
      </blockquote>
      <label class="choice">
        <input
          type="checkbox"
          checked={form.contactConsent}
          aria-describedby="contact-notice"
          onChange={(e) => {
            const on = e.currentTarget.checked;
            // Taking the consent back takes what was typed with it.
            update(
              on
                ? { contactConsent: true }
                : { contactConsent: false, contactName: '', contactPhone: '' },
            );
          }}
        />
        <span>{t('form.contactConsent')}</span>
      </label>
      <FieldError id="contact-consent" msg={errors['contact.consent']} />
      {form.contactConsent && (
        <>
          <TextField
            id="contactName"
            label={t('fields.contact.name')}
            value={form.contactName}
            onInput={(contactName) => update({ contactName })}
            error={errors['contact.name']}
            maxLength={80}
            autoComplete="off"
          />
          <TextField
            id="contactPhone"
            type="tel"
            inputMode="tel"
            label={t('fields.contact.phone')}
            hint={t('form.contactPhoneHint')}
            value={form.contactPhone}
            onInput={(contactPhone) => update({ contactPhone })}
            error={errors['contact.phone']}
            maxLength={20}
            autoComplete="off"
          />
          <p class="hint">{t('form.contactWaiting')}</p>
        </>
      )}
    </fieldset>
  );
}

/** A new record: today, in the volunteer's own hamlet (or the commune's first). */
function blankForm(user: { hamletId: string | null; hamlets: { id: string }[] }): FormState {
  return emptyForm(todayIso(), user.hamletId ?? user.hamlets[0]?.id ?? '');
}

function FieldError({ id, msg }: { id: string; msg: string | undefined }) {
  return msg ? (
    <p class="field-error" id={`${id}-error`}>
      {msg}
    </p>
  ) : null;
}

function RadioGroup<T extends string>(p: {
  name: string;
  legend: string;
  options: { value: T; label: string }[];
  value: T | '';
  onChange: (v: T) => void;
  error: string | undefined;
}) {
  return (
    <fieldset
      class={`group${p.error ? ' has-error' : ''}`}
      aria-describedby={p.error ? `${p.name}-error` : undefined}
    >
      <legend>{p.legend}</legend>
      <div class="choices">
        {p.options.map((o) => (
          <label key={o.value} class="choice">
            <input
              type="radio"
              name={p.name}
              value={o.value}
              checked={p.value === o.value}
              onChange={() => p.onChange(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <FieldError id={p.name} msg={p.error} />
    </fieldset>
  );
}

function SkillsPicker(p: {
  lng: string;
  form: FormState;
  onChange: (skills: FormState['skills']) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  const list = skills.value;
  const selected = new Map(p.form.skills.map((s) => [s.skillId, s]));
  const tutorials = useTutorials(p.form.skills.map((s) => s.skillId));

  // A session keeps the checklist version it was started on (an older one
  // comes from the archive); new sessions get the current one.
  useEffect(() => {
    void loadSkillVersions(p.form.skills);
  }, [p.form.skills]);

  const toggleSkill = (skill: Skill, on: boolean) => {
    if (on)
      p.onChange([
        ...p.form.skills,
        { skillId: skill.id, contentVersion: skill.version, stepsDone: [] },
      ]);
    else p.onChange(p.form.skills.filter((s) => s.skillId !== skill.id));
  };
  const toggleStep = (skillId: string, stepId: string, on: boolean, order: string[]) => {
    p.onChange(
      p.form.skills.map((s) => {
        if (s.skillId !== skillId) return s;
        const set = new Set(s.stepsDone);
        if (on) set.add(stepId);
        else set.delete(stepId);
        return { ...s, stepsDone: order.filter((id) => set.has(id)) };
      }),
    );
  };
  /** Moves a session on an older checklist to the current one, keeping the ticks both have. */
  const moveToCurrent = (skill: Skill) => {
    const order = skill.steps.map((s) => s.id);
    p.onChange(
      p.form.skills.map((s) =>
        s.skillId === skill.id
          ? {
              skillId: s.skillId,
              contentVersion: skill.version,
              stepsDone: order.filter((id) => s.stepsDone.includes(id)),
            }
          : s,
      ),
    );
  };

  return (
    <fieldset
      class={`group${p.error ? ' has-error' : ''}`}
      aria-describedby={p.error ? 'skills-error' : undefined}
    >
      <legend>{t('form.chooseSkills')}</legend>
      {list === null && !skillsFailed.value && <p class="muted">{t('form.contentLoading')}</p>}
      {skillsFailed.value && <p class="error-box">{t('form.contentFailed')}</p>}
      {list?.map((current) => {
        const sel = selected.get(current.id);
        // A session started on an older checklist keeps it; one from a newer app
        // (this phone not updated yet) is kept as it is, ticks and all.
        const older = sel !== undefined && sel.contentVersion < current.version;
        const newer = sel !== undefined && sel.contentVersion > current.version;
        const skill = sel ? skillAt(current.id, sel.contentVersion) : current;
        const state = sel ? skillVersionState(current.id, sel.contentVersion) : 'ready';
        const tutorial = tutorials.get(current.id);
        const noteId = `version-note-${current.id}`;
        return (
          <div key={current.id} class={`skill${sel ? ' open' : ''}`}>
            <label class="choice">
              <input
                type="checkbox"
                checked={sel !== undefined}
                onChange={(e) => toggleSkill(current, e.currentTarget.checked)}
              />
              <span>{localized(current.title, p.lng)}</span>
            </label>
            {sel && newer && (
              <p class="version-note" role="note">
                {t('form.newerVersion', {
                  version: sel.contentVersion,
                  done: sel.stepsDone.length,
                })}
              </p>
            )}
            {sel && older && (
              <div class="version-note" role="note">
                <p id={noteId}>
                  {t('form.olderVersion', { version: sel.contentVersion })}{' '}
                  {current.changes && localized(current.changes, p.lng)}
                </p>
                {state === 'loading' && <p class="muted">{t('form.contentLoading')}</p>}
                {state === 'missing' && (
                  <p>{t('form.versionMissing', { version: sel.contentVersion })}</p>
                )}
                <button
                  type="button"
                  class="btn small"
                  aria-describedby={noteId}
                  onClick={() => moveToCurrent(current)}
                >
                  {t('form.useNewVersion', { version: current.version })}
                </button>
              </div>
            )}
            {sel && skill && (
              <fieldset class="steps">
                <legend>
                  {localized(skill.title, p.lng)} —{' '}
                  {t('form.stepsOf', { done: sel.stepsDone.length, total: skill.steps.length })}
                </legend>
                {tutorial && (
                  <p class="teach-all">
                    <a href={`/learn/${current.id}`}>{t('form.openTutorial')}</a>
                  </p>
                )}
                {skill.steps.map((step) => (
                  <div key={step.id} class="step">
                    <label class="choice">
                      <input
                        type="checkbox"
                        checked={sel.stepsDone.includes(step.id)}
                        onChange={(e) =>
                          toggleStep(
                            skill.id,
                            step.id,
                            e.currentTarget.checked,
                            skill.steps.map((s) => s.id),
                          )
                        }
                      />
                      <span>{localized(step.text, p.lng)}</span>
                    </label>
                    {step.safety && <p class="safety">⚠ {localized(step.safety, p.lng)}</p>}
                    {tutorial && <TeachStep lng={p.lng} tutorial={tutorial} stepId={step.id} />}
                  </div>
                ))}
              </fieldset>
            )}
          </div>
        );
      })}
      <FieldError id="skills" msg={p.error} />
    </fieldset>
  );
}

/** The residents' tutorials of the chosen skills, loaded as they are chosen. */
function useTutorials(ids: readonly string[]): ReadonlyMap<string, Tutorial> {
  const [loaded, setLoaded] = useState<ReadonlyMap<string, Tutorial>>(new Map());
  const key = ids.join(' ');
  useEffect(() => {
    const missing = ids.filter((id) => !loaded.has(id));
    if (missing.length === 0) return;
    let live = true;
    void Promise.all(missing.map((id) => loadTutorial(id).catch(() => null))).then((list) => {
      if (!live) return;
      setLoaded((prev) => {
        const next = new Map(prev);
        for (const tutorial of list) if (tutorial) next.set(tutorial.skillId, tutorial);
        return next;
      });
    });
    return () => {
      live = false;
    };
  }, [key]);
  return loaded;
}

/**
 * Under a checklist step, the resident's tutorial step that teaches it: what
 * the resident does, sees, and does if it goes wrong, and a link to that step
 * on its own screen (to show the resident, or to share), so teaching and
 * recording happen on the same screen.
 */
function TeachStep(p: { lng: string; tutorial: Tutorial; stepId: string }) {
  const { t } = useTranslation();
  const index = p.tutorial.steps.findIndex((s) => s.checklist.includes(p.stepId));
  const step = p.tutorial.steps[index];
  if (!step) return null;
  const n = index + 1;
  return (
    <details class="teach">
      <summary>{t('form.teachStep', { n })}</summary>
      <p>
        <strong>{t('form.teachDo')}</strong> {localized(step.do, p.lng)}
      </p>
      <p>
        <strong>{t('form.teachSee')}</strong> {localized(step.see, p.lng)}
      </p>
      <p>
        <strong>{t('form.teachTrouble')}</strong> {localized(step.trouble, p.lng)}
      </p>
      <a href={`/learn/${p.tutorial.skillId}/${n}`}>{t('form.openTutorialStep', { n })}</a>
    </details>
  );
}
