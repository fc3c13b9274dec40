/** A labelled text input with its error message tied to it for screen readers. */
interface Props {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  type?: 'text' | 'password' | 'date' | 'number' | 'tel';
  autoComplete?: string;
  autoCapitalize?: 'none' | 'characters' | 'sentences' | 'words';
  inputMode?: 'numeric' | 'text' | 'tel';
  maxLength?: number;
  multiline?: boolean;
  min?: string;
  max?: string;
}

export function TextField(p: Props) {
  const describedBy = [p.hint ? `${p.id}-hint` : '', p.error ? `${p.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id: p.id,
    name: p.id,
    value: p.value,
    'aria-invalid': p.error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    maxLength: p.maxLength,
    onInput: (e: Event) => p.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={p.id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      {p.multiline ? <textarea {...common} rows={4} /> : <Input p={p} common={common} />}
      {p.error && (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      )}
    </div>
  );
}

/** One `<input>` per type: Preact's input typings are discriminated on `type`. */
function Input({ p, common }: { p: Props; common: Record<string, unknown> }) {
  const shared = { ...common, autoComplete: p.autoComplete, autoCapitalize: p.autoCapitalize };
  switch (p.type) {
    case 'password':
      return <input {...shared} type="password" inputMode={p.inputMode} />;
    case 'date':
      return <input {...shared} type="date" min={p.min} max={p.max} />;
    case 'number':
      return <input {...shared} type="number" inputMode={p.inputMode} min={p.min} max={p.max} />;
    case 'tel':
      return <input {...shared} type="tel" inputMode="tel" />;
    default:
      return <input {...shared} type="text" inputMode={p.inputMode} />;
  }
}
