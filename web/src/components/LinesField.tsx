/**
 * A text box read line by line (the story mode's script, the list mode's prompts): monospace, its help
 * below it, and a status that the server's verdict on the lines fills as they are typed (read out politely).
 */
import type { ReactNode, RefObject } from 'react';

interface Props {
  readonly id: string;
  readonly label: string;
  readonly help: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** What the server makes of the lines, or its message for the wrong ones. */
  readonly status: ReactNode;
  readonly statusClassName: string;
  readonly invalid?: boolean;
  readonly placeholder?: string;
  readonly textareaRef?: RefObject<HTMLTextAreaElement | null>;
  /** More below the status (the story mode's remake notice). */
  readonly children?: ReactNode;
}

export function LinesField({ id, label, help, value, onChange, status, statusClassName, invalid = false, placeholder, textareaRef, children }: Props) {
  const helpId = `${id}-help`;
  return (
    <div className="field lines-field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={textareaRef}
        rows={9}
        spellCheck={false}
        value={value}
        placeholder={placeholder}
        aria-invalid={invalid}
        aria-describedby={helpId}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={helpId} className="muted small">
        {help}
      </p>
      <div className={`${statusClassName} small`} role="status" aria-live="polite">
        {status}
      </div>
      {children}
    </div>
  );
}
