import { useId, type ReactNode } from 'react';

/** A labelled control: the label is tied to the control by id, so every control has an accessible name. */
export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

/** A `<select>` over a fixed list of values. */
export function Choice<T extends string>({
  id,
  value,
  options,
  onChange,
  testId,
}: {
  id: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  testId?: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
