/**
 * The record form's state, kept as the strings a person typed, and its
 * conversion to a `LogContent`. Kept apart from the component so it can be
 * saved as a draft (nothing typed is lost on reload) and tested alone.
 */
import * as v from 'valibot';
import {
  logContentSchema,
  type LogContent,
  type LogContentInput,
  type NotDoneReason,
  type Outcome,
  type SessionKind,
  type SessionLanguage,
} from '../../../shared/schemas/log.ts';
import {
  CONTACT_NOTICE_VERSION,
  contactSchema,
  type Contact,
} from '../../../shared/schemas/contact.ts';
import { fieldProblems, type FieldProblem } from '../../../shared/validation.ts';

export interface FormState {
  activityDate: string;
  hamletId: string;
  kind: SessionKind | '';
  under30: string;
  from30to59: string;
  over60: string;
  /** Of whom women (optional: blank = not recorded). */
  women: string;
  language: SessionLanguage;
  /** Selected skills in the order they were picked. */
  skills: { skillId: string; contentVersion: number; stepsDone: string[] }[];
  outcome: Outcome | '';
  reason: NotDoneReason | '';
  householdCode: string;
  notes: string;
  /** The resident agreed to be contacted again (never pre-ticked; not part of the session). */
  contactConsent: boolean;
  contactName: string;
  contactPhone: string;
}

const NO_CONTACT = { contactConsent: false, contactName: '', contactPhone: '' } as const;

/** A blank form for today in the volunteer's own hamlet. */
export function emptyForm(today: string, hamletId: string): FormState {
  return {
    activityDate: today,
    hamletId,
    kind: '',
    under30: '',
    from30to59: '',
    over60: '',
    women: '',
    language: 'vi',
    skills: [],
    outcome: '',
    reason: '',
    householdCode: '',
    notes: '',
    ...NO_CONTACT,
  };
}

/** The form for an existing record. */
export function formFromContent(c: LogContent): FormState {
  return {
    activityDate: c.activityDate,
    hamletId: c.hamletId,
    kind: c.kind,
    under30: String(c.residents.under30),
    from30to59: String(c.residents.from30to59),
    over60: String(c.residents.over60),
    women: c.residents.women === undefined ? '' : String(c.residents.women),
    language: c.language,
    skills: c.skills.map((s) => ({ ...s, stepsDone: [...s.stepsDone] })),
    outcome: c.outcome,
    reason: c.reason ?? '',
    householdCode: c.householdCode ?? '',
    notes: c.notes,
    ...NO_CONTACT,
  };
}

function count(s: string): number {
  const trimmed = s.trim();
  return trimmed === '' ? 0 : Number(trimmed);
}

/** The sum of the three age bands (blank counts as 0). */
export function residentsTotal(f: FormState): number {
  const n = count(f.under30) + count(f.from30to59) + count(f.over60);
  return Number.isFinite(n) ? n : 0;
}

export type ParseResult =
  { ok: true; content: LogContent } | { ok: false; problems: FieldProblem[] };

/**
 * Validates the form with the shared schema (the server runs the same one)
 * plus the rule that a session cannot be dated after today on this phone.
 */
export function parseForm(f: FormState, communeId: string, today: string): ParseResult {
  const input: LogContentInput = {
    communeId,
    hamletId: f.hamletId,
    activityDate: f.activityDate,
    kind: f.kind as SessionKind,
    residents: {
      under30: count(f.under30),
      from30to59: count(f.from30to59),
      over60: count(f.over60),
      ...(f.women.trim() === '' ? {} : { women: count(f.women) }),
    },
    language: f.language,
    skills: f.skills,
    outcome: f.outcome as Outcome,
    reason: f.outcome && f.outcome !== 'done' && f.reason ? f.reason : undefined,
    householdCode: f.householdCode.trim() ? f.householdCode : undefined,
    notes: f.notes,
  };
  const parsed = v.safeParse(logContentSchema, input);
  const problems = parsed.success ? [] : fieldProblems(parsed.issues);
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.activityDate) && f.activityDate > today) {
    if (!problems.some((p) => p.field === 'activityDate'))
      problems.unshift({ field: 'activityDate', code: 'futureDate' });
  }
  if (parsed.success && problems.length === 0) return { ok: true, content: parsed.output };
  return { ok: false, problems };
}

export type ContactResult =
  { ok: true; contact: Contact | null } | { ok: false; problems: FieldProblem[] };

/**
 * The follow-up contact of the form: null when the resident did not agree
 * (whatever was typed is then not kept), else the validated contact, with
 * the notice in the language it was shown in.
 */
export function parseContact(f: FormState, noticeLang: 'vi' | 'en'): ContactResult {
  if (!f.contactConsent) return { ok: true, contact: null };
  const parsed = v.safeParse(contactSchema, {
    consent: true,
    noticeVersion: CONTACT_NOTICE_VERSION,
    noticeLang,
    name: f.contactName,
    phone: f.contactPhone,
  });
  if (parsed.success) return { ok: true, contact: parsed.output };
  return {
    ok: false,
    problems: fieldProblems(parsed.issues).map((p) => ({ ...p, field: `contact.${p.field}` })),
  };
}

/** `skills.0.stepsDone` → `skills.stepsDone`: the label key of a field path. */
export function fieldKey(path: string): string {
  return path
    .split('.')
    .filter((p) => !/^\d+$/.test(p))
    .join('.');
}
