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

/**
 * A labelled number input. Without `clampToRange` a value out of range passes through (the recipe's
 * schema names it at Run); with it, the value is held inside [min, max] as it is typed.
 */
export function NumberField({
  label,
  hint,
  value,
  step,
  min,
  max,
  integer,
  clampToRange,
  testId,
  onChange,
}: {
  label: string;
  hint?: string;
  value: number;
  step: number;
  min: number;
  max?: number;
  integer?: boolean;
  clampToRange?: boolean;
  testId: string;
  onChange: (v: number) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <input
          id={id}
          type="number"
          min={min}
          max={max}
          step={step}
          value={value}
          data-testid={testId}
          onChange={(e) => {
            let v = Number(e.target.value);
            if (!Number.isFinite(v)) return;
            if (integer) v = Math.round(v);
            if (clampToRange) v = Math.min(max ?? Infinity, Math.max(min, v));
            onChange(v);
          }}
        />
      )}
    </Field>
  );
}
