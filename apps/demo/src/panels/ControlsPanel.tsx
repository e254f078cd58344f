import { useState } from 'react'
import { Markdownish } from '../components/Markdownish'
import { controlOf, fitNumber } from '../story/args'
import type { Args, ArgType, Control } from '../story/csf'
import type { Story } from '../story/registry'

interface ControlsPanelProps {
  story: Story
  args: Args
  updateArgs: (changes: Args) => void
  resetArgs: () => void
  /** The status of the story's session once it has stopped for good (`not-found`…), else null. */
  stopped: string | null
  onRestart: () => void
}

export function ControlsPanel(props: ControlsPanelProps) {
  const { story, args, updateArgs, resetArgs, stopped, onRestart } = props
  const names = [...new Set([...Object.keys(story.args), ...Object.keys(story.argTypes)])]
  if (names.length === 0) return <p className="muted panel-empty">This story has no args.</p>
  return (
    <div className="controls" data-testid="controls-panel">
      {/* New args reach the mock at once, but an ended session stays ended (as it should). */}
      {stopped !== null && (
        <p className="controls__stopped" role="status" data-testid="stopped-hint">
          The session is <strong>{stopped}</strong>: new args do not bring it back.{' '}
          <button type="button" className="small" onClick={onRestart}>
            Restart story
          </button>{' '}
          to start it again with these args.
        </p>
      )}
      <table className="controls__table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Control</th>
            <th>Description</th>
            <th className="controls__reset">
              <button type="button" className="small" onClick={resetArgs}>
                Reset args
              </button>
            </th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => (
            <tr key={name}>
              <td>
                <ArgName
                  name={name}
                  text={story.argTypes[name]?.name ?? name}
                  group={controlOf(story.argTypes[name], args[name]).type === 'radio'}
                />
              </td>
              <td>
                <ArgControl
                  name={name}
                  argType={story.argTypes[name]}
                  value={args[name]}
                  onChange={(value) => updateArgs({ [name]: value })}
                />
              </td>
              <td colSpan={2} className="controls__description">
                <Markdownish text={story.argTypes[name]?.description ?? ''} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

// A radio group is no labelable element: it is named by aria-labelledby instead of label[for].
function ArgName({ name, text, group }: { name: string; text: string; group: boolean }) {
  return group ? (
    <span id={`control-${name}-name`} className="controls__name">
      {text}
    </span>
  ) : (
    <label htmlFor={`control-${name}`} className="controls__name">
      {text}
    </label>
  )
}

interface ArgControlProps {
  name: string
  argType: ArgType | undefined
  value: unknown
  onChange: (value: unknown) => void
}

function ArgControl({ name, argType, value, onChange }: ArgControlProps) {
  const control = controlOf(argType, value)
  const id = `control-${name}`
  const testId = `control-${name}`
  const options = argType?.options ?? []
  const label = (option: unknown): string => control.labels?.[String(option)] ?? String(option)
  switch (control.type) {
    case 'boolean':
      return (
        <label className="switch">
          <input
            id={id}
            data-testid={testId}
            type="checkbox"
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
          />
          <span>{value === true ? 'true' : 'false'}</span>
        </label>
      )
    case 'number':
      return (
        <NumberInput
          id={id}
          testId={testId}
          value={Number(value)}
          control={control}
          onChange={onChange}
        />
      )
    case 'range':
      return (
        <span className="range">
          <input
            id={id}
            data-testid={testId}
            type="range"
            min={control.min}
            max={control.max}
            step={control.step}
            value={Number(value)}
            onChange={(event) => onChange(Number(event.target.value))}
          />
          <output htmlFor={id}>{String(value)}</output>
        </span>
      )
    case 'select':
      return (
        <select
          id={id}
          data-testid={testId}
          value={String(value)}
          onChange={(event) =>
            onChange(options.find((option) => String(option) === event.target.value))
          }
        >
          {options.map((option) => (
            <option key={String(option)} value={String(option)}>
              {label(option)}
            </option>
          ))}
        </select>
      )
    case 'radio':
      return (
        <span
          className="radios"
          role="radiogroup"
          id={id}
          aria-labelledby={`${id}-name`}
          data-testid={testId}
        >
          {options.map((option) => (
            <label key={String(option)}>
              <input
                type="radio"
                name={id}
                value={String(option)}
                checked={Object.is(option, value)}
                onChange={() => onChange(option)}
              />
              {label(option)}
            </label>
          ))}
        </span>
      )
    case 'text':
      return (
        <input
          id={id}
          data-testid={testId}
          type="text"
          value={String(value ?? '')}
          onChange={(event) => onChange(event.target.value)}
        />
      )
  }
}

interface NumberInputProps {
  id: string
  testId: string
  value: number
  control: Control
  onChange: (value: number) => void
}

// Keeps what is typed while it is not a number yet (an empty field, a lone minus sign).
function NumberInput({ id, testId, value, control, onChange }: NumberInputProps) {
  const [draft, setDraft] = useState<string | null>(null)
  return (
    <input
      id={id}
      data-testid={testId}
      type="number"
      min={control.min}
      max={control.max}
      step={control.step}
      value={draft ?? String(value)}
      onChange={(event) => {
        const text = event.target.value
        setDraft(text)
        const number = Number(text)
        if (text.trim() !== '' && Number.isFinite(number)) onChange(fitNumber(number, control))
      }}
      onBlur={() => setDraft(null)}
    />
  )
}
