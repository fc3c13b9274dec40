/**
 * Residents' tutorials and the scam quiz (`seeds/tutorials/*.json`,
 * `seeds/quiz/*.json`): one step per screen, each saying what to do, what
 * should then be on the screen, and what to do if it goes wrong, in
 * Vietnamese (the source) and English. Each tutorial follows its skill's
 * checklist (`seeds/skills`): every checklist step is taught by exactly one
 * tutorial step, so the volunteer's checklist links to it. A test checks the
 * files against these schemas and those rules.
 */
import * as v from 'valibot';

const text = (max: number) =>
  v.object({
    vi: v.pipe(v.string(), v.nonEmpty(), v.maxLength(max)),
    en: v.pipe(v.string(), v.nonEmpty(), v.maxLength(max)),
  });
const id = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/));

export const tutorialStepSchema = v.object({
  id,
  /** The checklist steps (of the skill) this step teaches. */
  checklist: v.array(id),
  do: text(200),
  see: text(180),
  trouble: text(260),
  /** Where money, passwords, OTPs or ID numbers come in. */
  safety: v.optional(text(200)),
});
export type TutorialStep = v.InferOutput<typeof tutorialStepSchema>;

export const tutorialSchema = v.object({
  skillId: id,
  /** The skill's checklist version this tutorial follows. */
  skillVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** What a resident types to open it on their own phone ("Mã bài học"). */
  code: v.pipe(v.string(), v.regex(/^\d{3}$/)),
  intro: text(260),
  steps: v.pipe(v.array(tutorialStepSchema), v.minLength(1)),
});
export type Tutorial = v.InferOutput<typeof tutorialSchema>;

export const quizSchema = v.object({
  id,
  title: text(120),
  questions: v.pipe(
    v.array(
      v.object({
        id,
        question: text(240),
        choices: v.pipe(
          v.array(v.object({ id: v.pipe(v.string(), v.regex(/^[a-d]$/)), text: text(120) })),
          v.minLength(2),
          v.maxLength(4),
        ),
        answer: v.pipe(v.string(), v.regex(/^[a-d]$/)),
        explain: text(280),
      }),
    ),
    v.minLength(1),
  ),
});
export type Quiz = v.InferOutput<typeof quizSchema>;

/** Words that call for a safety note on the step (money, passwords, codes, ID numbers). */
export const SAFETY_WORDS =
  /OTP|mật khẩu|passcode|mã PIN|mã xác nhận|mã xác thực|tiền|thanh toán|chuyển khoản|ngân hàng|số định danh|căn cước/i;
