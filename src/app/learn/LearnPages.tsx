/**
 * The residents' learn area (no account): the list of tutorials, one step
 * per screen with big text and big buttons, read-aloud, a text-size and
 * high-contrast control (remembered), the scam quiz, and, for a signed-in
 * volunteer, the ways to share a tutorial (QR code, link, code) and the
 * list of what they shared. Lazy: nothing here is on the first screen.
 */
import '../../i18n/learn.ts'; // learn.*
import './learn.css';
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import type { Skill } from '../../shared/schemas/skill.ts';
import type { Quiz, Tutorial, TutorialStep } from '../../shared/schemas/tutorial.ts';
import { CATALOG } from 'virtual:learn-catalog';
import { loadSkill, localized } from '../content.ts';
import type { QrCode as QrCodeType } from '../components/QrCode.tsx';
import { formatDateTime } from '../format.ts';
import { session } from '../session.ts';
import { useTranslation } from '../use-translation.ts';
import { loadQuiz, pictureOf } from './content.ts';
import { loadTutorial } from './tutorials.ts';
import {
  allProgress,
  progressOf,
  readPrefs,
  recordShare,
  savePrefs,
  saveProgress,
  sharesOf,
  type Prefs,
  type Share,
} from './local.ts';
import { speak, stopSpeaking, useVoice } from './speech.ts';

const prefs = signal<Prefs>(readPrefs());

function setPrefs(p: Prefs) {
  prefs.value = p;
  savePrefs(p);
}

/** Every learn screen: its content in the chosen size and contrast. */
function Frame({ children }: { children: preact.ComponentChildren }) {
  const p = prefs.value;
  return (
    <main id="main" class={`page learn size-${p.size}${p.contrast ? ' contrast' : ''}`}>
      {children}
    </main>
  );
}

function DisplayControls() {
  const { t } = useTranslation();
  const p = prefs.value;
  return (
    <fieldset class="learn-display">
      <legend>{t('learn.display')}</legend>
      <div class="size-choice" role="radiogroup" aria-label={t('learn.textSize')}>
        {([0, 1, 2] as const).map((size) => (
          <label key={size} class={`choice size-pick-${size}`}>
            <input
              type="radio"
              name="learn-size"
              checked={p.size === size}
              onChange={() => setPrefs({ ...p, size })}
            />
            <span>{t(`learn.size${size}`)}</span>
          </label>
        ))}
      </div>
      <label class="choice">
        <input
          type="checkbox"
          checked={p.contrast}
          onChange={(e) => setPrefs({ ...p, contrast: e.currentTarget.checked })}
        />
        <span>{t('learn.contrast')}</span>
      </label>
    </fieldset>
  );
}

/** Reads `text` aloud, or says why it cannot. */
function ReadAloud({ text, label }: { text: string; label: string }) {
  const { t, lng } = useTranslation();
  const state = useVoice(lng);
  const [reading, setReading] = useState(false);
  useEffect(() => () => stopSpeaking(), [text]);
  if (state === 'no-speech' || state === 'no-voice') {
    return (
      <div class="read-aloud">
        <button type="button" class="btn big" disabled aria-describedby="no-voice-hint">
          {state === 'no-speech' ? t('learn.noSpeech') : t('learn.noVoice')}
        </button>
        <p id="no-voice-hint" class="muted">
          {t('learn.noVoiceHint')}
        </p>
      </div>
    );
  }
  return (
    <div class="read-aloud">
      <button
        type="button"
        class="btn big"
        disabled={state === 'checking'}
        aria-pressed={reading}
        onClick={() => {
          if (reading) {
            stopSpeaking();
            setReading(false);
            return;
          }
          setReading(true);
          speak(text, lng, () => setReading(false));
        }}
      >
        {reading ? t('learn.stopReading') : label}
      </button>
    </div>
  );
}

/** The title of a skill from the catalog (its id for one that has no tutorial). */
function catalogTitle(skillId: string, lng: string): string {
  const entry = CATALOG.find((c) => c.skillId === skillId);
  return entry ? localized(entry.title, lng) : skillId;
}

export function LearnList() {
  const { t, lng } = useTranslation();
  const { route } = useLocation();
  const [codeError, setCodeError] = useState(false);
  const progress = allProgress();
  const userId = session.value?.field ? session.value.user.id : null;

  function openCode(e: Event) {
    e.preventDefault();
    const code = new FormData(e.currentTarget as HTMLFormElement).get('code');
    const skillId =
      typeof code === 'string'
        ? (CATALOG.find((c) => c.code === code.trim())?.skillId ?? null)
        : null;
    setCodeError(skillId === null);
    if (skillId) route(`/learn/${skillId}`);
  }

  return (
    <Frame>
      <h1>{t('learn.title')}</h1>
      <p>{t('learn.intro')}</p>
      <form class="code-form" onSubmit={openCode} noValidate>
        <div class="field">
          <label for="learn-code">{t('learn.codeLabel')}</label>
          <p id="learn-code-hint" class="hint">
            {t('learn.codeHint')}
          </p>
          <input
            id="learn-code"
            name="code"
            inputMode="numeric"
            autoComplete="off"
            maxLength={3}
            aria-describedby={codeError ? 'learn-code-hint learn-code-error' : 'learn-code-hint'}
            aria-invalid={codeError ? 'true' : undefined}
          />
          {codeError && (
            <p id="learn-code-error" class="field-error">
              {t('learn.codeUnknown')}
            </p>
          )}
        </div>
        <button type="submit" class="btn big">
          {t('learn.codeOpen')}
        </button>
      </form>
      <ul class="learn-list" aria-label={t('learn.listLabel')}>
        {CATALOG.map((c) => {
          const current = progressOf(c.skillId, c.version, progress);
          const picture = pictureOf(c.skillId);
          return (
            <li key={c.skillId}>
              <a class="learn-card" href={`/learn/${c.skillId}`}>
                {picture && <img src={picture} alt="" width={64} height={64} />}
                <span class="learn-card-text">
                  <span class="learn-card-title">{localized(c.title, lng)}</span>
                  <span class="muted">
                    {current?.done
                      ? t('learn.doneBadge')
                      : current
                        ? t('learn.inProgress', { step: current.step, count: c.steps })
                        : t('learn.stepsCount', { count: c.steps })}
                  </span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      <p>
        <a class="btn big block" href="/learn/quiz">
          {t('learn.quizLink')}
        </a>
      </p>
      <DisplayControls />
      {userId && <SharedList userId={userId} />}
    </Frame>
  );
}

function SharedList({ userId }: { userId: string }) {
  const { t, lng } = useTranslation();
  const shares = sharesOf(userId);
  if (shares.length === 0) return null;
  return (
    <section aria-labelledby="learn-shared">
      <h2 id="learn-shared">{t('learn.shared')}</h2>
      <ul class="plain-list">
        {shares.map((s: Share) => (
          <li key={`${s.at}-${s.skillId}-${s.how}`}>
            {t('learn.sharedItem', {
              title: catalogTitle(s.skillId, lng),
              how: t(`learn.how.${s.how}`),
              when: formatDateTime(Date.parse(s.at), lng),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** /learn/:skillId (the introduction), /learn/:skillId/:step (1…n) and /learn/:skillId/xong. */
export function TutorialPage() {
  const { t, lng } = useTranslation();
  const { params } = useRoute();
  const skillId = params.skillId ?? '';
  // Only this tutorial and its skill: a few KB, not the whole curriculum.
  const [loaded, setLoaded] = useState<{ skill: Skill; tutorial: Tutorial } | null | 'missing'>(
    null,
  );
  useEffect(() => {
    let live = true;
    setLoaded(null);
    void Promise.all([loadSkill(skillId), loadTutorial(skillId)]).then(
      ([skill, tutorial]) => live && setLoaded(skill && tutorial ? { skill, tutorial } : 'missing'),
      () => live && setLoaded('missing'),
    );
    return () => {
      live = false;
    };
  }, [skillId]);

  if (loaded === 'missing') {
    return (
      <Frame>
        <p role="alert">{t('app.notFound')}</p>
        <a href="/learn">{t('learn.toList')}</a>
      </Frame>
    );
  }
  if (loaded === null) {
    return (
      <Frame>
        <p class="muted">{t('page.loading')}</p>
      </Frame>
    );
  }
  const { skill, tutorial } = loaded;
  const title = localized(skill.title, lng);
  const count = tutorial.steps.length;
  const raw = params.step;
  if (raw === 'xong') return <DonePage skill={skill} tutorial={tutorial} />;
  const n = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > count) {
    return (
      <Frame>
        <p role="alert">{t('app.notFound')}</p>
        <a href={`/learn/${skillId}`}>{title}</a>
      </Frame>
    );
  }
  if (n === 0) return <IntroPage skill={skill} tutorial={tutorial} />;
  return <StepPage skill={skill} tutorial={tutorial} n={n} step={tutorial.steps[n - 1]!} />;
}

function IntroPage({ skill, tutorial }: { skill: Skill; tutorial: Tutorial }) {
  const { t, lng } = useTranslation();
  const saved = progressOf(skill.id, tutorial.skillVersion);
  const intro = localized(tutorial.intro, lng);
  const before = skill.prerequisites ? localized(skill.prerequisites, lng) : null;
  const picture = pictureOf(skill.id);
  const resume = saved && !saved.done && saved.step > 1 ? saved.step : null;
  return (
    <Frame>
      <a class="back" href="/learn">
        ← {t('learn.toList')}
      </a>
      {picture && <img class="learn-picture" src={picture} alt="" width={96} height={96} />}
      <h1>{localized(skill.title, lng)}</h1>
      <p class="learn-text">{intro}</p>
      {before && (
        <section class="learn-box" aria-labelledby="learn-before">
          <h2 id="learn-before">{t('learn.before')}</h2>
          <p>{before}</p>
        </section>
      )}
      <ReadAloud text={[intro, before].filter(Boolean).join(' ')} label={t('learn.readIntro')} />
      <div class="learn-nav">
        <a class="btn primary big" href={`/learn/${skill.id}/${resume ?? 1}`}>
          {resume ? t('learn.resume', { step: resume }) : t('learn.start')}
        </a>
        {resume && (
          <a class="btn big" href={`/learn/${skill.id}/1`}>
            {t('learn.restart')}
          </a>
        )}
      </div>
      {session.value?.field && <SharePanel skill={skill} tutorial={tutorial} />}
    </Frame>
  );
}

function StepPage(p: { skill: Skill; tutorial: Tutorial; n: number; step: TutorialStep }) {
  const { t, lng } = useTranslation();
  const { skill, tutorial, n, step } = p;
  const count = tutorial.steps.length;
  useEffect(() => {
    const saved = progressOf(skill.id, tutorial.skillVersion);
    saveProgress(skill.id, {
      step: n,
      version: tutorial.skillVersion,
      done: saved?.done ?? false,
    });
  }, [skill.id, tutorial.skillVersion, n]);
  const l = (x: { vi: string; en: string }) => localized(x, lng);
  const spoken = [
    t('learn.stepOf', { step: n, count }),
    l(step.do),
    `${t('learn.see')}: ${l(step.see)}`,
    step.safety ? `${t('learn.safety')}: ${l(step.safety)}` : '',
    `${t('learn.trouble')}: ${l(step.trouble)}`,
  ]
    .filter(Boolean)
    .join('. ');
  return (
    <Frame>
      <p class="learn-skill">
        <a href={`/learn/${skill.id}`}>{l(skill.title)}</a>
      </p>
      <h1>{t('learn.stepOf', { step: n, count })}</h1>
      <progress class="learn-progress" max={count} value={n} aria-hidden="true" />
      <section class="learn-step" aria-labelledby="learn-do">
        <h2 id="learn-do">{t('learn.do')}</h2>
        <p class="learn-text">{l(step.do)}</p>
      </section>
      <section class="learn-step" aria-labelledby="learn-see">
        <h2 id="learn-see">{t('learn.see')}</h2>
        <p>{l(step.see)}</p>
      </section>
      {step.safety && (
        <section class="learn-box safety" aria-labelledby="learn-safety">
          <h2 id="learn-safety">{t('learn.safety')}</h2>
          <p>{l(step.safety)}</p>
        </section>
      )}
      <section class="learn-box" aria-labelledby="learn-trouble">
        <h2 id="learn-trouble">{t('learn.trouble')}</h2>
        <p>{l(step.trouble)}</p>
      </section>
      <ReadAloud text={spoken} label={t('learn.readAloud')} />
      <div class="learn-nav sticky">
        <a class="btn big" href={n === 1 ? `/learn/${skill.id}` : `/learn/${skill.id}/${n - 1}`}>
          {t('learn.back')}
        </a>
        <a class="btn primary big" href={`/learn/${skill.id}/${n === count ? 'xong' : n + 1}`}>
          {n === count ? t('learn.finish') : t('learn.next')}
        </a>
      </div>
    </Frame>
  );
}

function DonePage({ skill, tutorial }: { skill: Skill; tutorial: Tutorial }) {
  const { t, lng } = useTranslation();
  useEffect(() => {
    saveProgress(skill.id, {
      step: tutorial.steps.length,
      version: tutorial.skillVersion,
      done: true,
    });
  }, [skill.id, tutorial]);
  const progress = allProgress();
  const at = CATALOG.findIndex((c) => c.skillId === skill.id);
  // The next tutorial in the list (after this one, then from the top) not done
  // yet on its current version (as the list shows it).
  const next = [...CATALOG.slice(at + 1), ...CATALOG.slice(0, at)].find(
    (c) => !progressOf(c.skillId, c.version, progress)?.done,
  );
  return (
    <Frame>
      <h1>{t('learn.doneTitle', { title: localized(skill.title, lng) })}</h1>
      <p class="learn-text">{t('learn.doneText')}</p>
      <div class="learn-nav column">
        {next ? (
          <a class="btn primary big" href={`/learn/${next.skillId}`}>
            {t('learn.nextSkill', { title: localized(next.title, lng) })}
          </a>
        ) : (
          <p>{t('learn.allDone')}</p>
        )}
        <a class="btn big" href="/learn/quiz">
          {t('learn.quizLink')}
        </a>
        <a class="btn big" href="/learn">
          {t('learn.toList')}
        </a>
      </div>
    </Frame>
  );
}

type QrModule = { QrCode: typeof QrCodeType };

/**
 * The QR code, loaded only for the share panel (a signed-in field worker):
 * residents never download the encoder (3.6 KB brotli). It is precached, so
 * it draws offline too.
 */
function LazyQrCode(p: { text: string; label: string }) {
  const { t } = useTranslation();
  const [mod, setMod] = useState<QrModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('../components/QrCode.tsx').then(
      (m) => live && setMod(m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  if (mod) return <mod.QrCode text={p.text} label={p.label} />;
  return (
    <p class={failed ? 'error-box' : 'muted'}>{t(failed ? 'learn.qrFailed' : 'learn.qrLoading')}</p>
  );
}

function SharePanel({ skill, tutorial }: { skill: Skill; tutorial: Tutorial }) {
  const { t, lng } = useTranslation();
  const [qr, setQr] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const userId = session.value!.user.id;
  const url = `${location.origin}/learn/${skill.id}`;
  const title = localized(skill.title, lng);
  const log = (how: Share['how']) =>
    recordShare(userId, { skillId: skill.id, how, at: new Date().toISOString() });

  async function sendLink() {
    setNote(null);
    try {
      if (typeof navigator.share === 'function') {
        await navigator.share({ title, text: title, url });
      } else {
        await navigator.clipboard.writeText(url);
        setNote(t('learn.copied'));
      }
      log('link');
    } catch {
      // The person closed the share sheet: nothing was shared.
    }
  }

  return (
    <section class="learn-box share" aria-labelledby="learn-share">
      <h2 id="learn-share">{t('learn.share')}</h2>
      <p>{t('learn.shareIntro')}</p>
      <p class="learn-code">{t('learn.shareCode', { code: tutorial.code })}</p>
      {qr ? (
        <LazyQrCode text={url} label={t('learn.qrLabel', { title })} />
      ) : (
        <button
          type="button"
          class="btn big"
          onClick={() => {
            setQr(true);
            log('qr');
          }}
        >
          {t('learn.showQr')}
        </button>
      )}
      <button type="button" class="btn big" onClick={() => void sendLink()}>
        {typeof navigator.share === 'function' ? t('learn.shareLink') : t('learn.copyLink')}
      </button>
      {note && (
        <p class="banner ok" role="status">
          {note}
        </p>
      )}
    </section>
  );
}

export function QuizPage() {
  const { t, lng } = useTranslation();
  const [quiz, setQuiz] = useState<Quiz | null>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  useEffect(() => {
    void loadQuiz('scam-aware').then(setQuiz);
  }, []);
  if (!quiz)
    return (
      <Frame>
        <p class="muted">{t('page.loading')}</p>
      </Frame>
    );
  const l = (x: { vi: string; en: string }) => localized(x, lng);
  const answered = quiz.questions.filter((q) => answers[q.id] !== undefined);
  const right = answered.filter((q) => answers[q.id] === q.answer).length;
  return (
    <Frame>
      <a class="back" href="/learn">
        ← {t('learn.toList')}
      </a>
      <h1>{l(quiz.title)}</h1>
      <p>{t('learn.quizIntro', { count: quiz.questions.length })}</p>
      {quiz.questions.map((q, i) => {
        const chosen = answers[q.id];
        return (
          <fieldset key={q.id} class="quiz-question">
            <legend>
              <span class="quiz-n">{t('learn.question', { n: i + 1 })}</span> {l(q.question)}
            </legend>
            {q.choices.map((c) => (
              <label key={c.id} class="choice big-choice">
                <input
                  type="radio"
                  name={`quiz-${q.id}`}
                  checked={chosen === c.id}
                  onChange={() => setAnswers({ ...answers, [q.id]: c.id })}
                />
                <span>{l(c.text)}</span>
              </label>
            ))}
            <div aria-live="polite">
              {chosen !== undefined && (
                <p class={`banner ${chosen === q.answer ? 'ok' : 'info'}`}>
                  <strong>{chosen === q.answer ? t('learn.right') : t('learn.notQuite')}</strong>{' '}
                  {l(q.explain)}
                </p>
              )}
            </div>
          </fieldset>
        );
      })}
      {answered.length === quiz.questions.length && (
        <p class="banner ok" role="status">
          {t('learn.score', { right, count: quiz.questions.length })}
        </p>
      )}
      <DisplayControls />
    </Frame>
  );
}
