import { useState } from 'react';
import { useStudio, type PreprocessRole } from '../../state';

const presets = [
  { value: 'unit', label: 'pixel / 255 (unit)' },
  { value: 'signed', label: '[−1, 1] (signed)' },
  { value: 'imagenet', label: 'ImageNet mean / std' },
];

/** A preprocessing preset, or a JSON spec typed by the user (checked in the worker when applied). */
export function PreprocessField({ id, role }: { id: string; role: PreprocessRole }) {
  const text = useStudio((s) => s.recipe.preprocess[role]);
  const setPreprocess = useStudio((s) => s.setPreprocess);
  const isPreset = presets.some((p) => p.value === text);
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <>
      <select
        id={id}
        value={isPreset ? text : 'custom'}
        onChange={(e) => {
          if (e.target.value === 'custom') setDraft(isPreset ? '{"scale":0.00392156862745098}' : text);
          else {
            setDraft(null);
            void setPreprocess(role, e.target.value);
          }
        }}
      >
        {presets.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom JSON…</option>
      </select>
      {(!isPreset || draft !== null) && (
        <textarea
          className="mono preprocess-json"
          aria-label="Preprocessing JSON"
          rows={2}
          value={draft ?? text}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => {
            if (draft !== null) void setPreprocess(role, draft);
            setDraft(null);
          }}
        />
      )}
    </>
  );
}
