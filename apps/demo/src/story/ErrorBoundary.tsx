import { Component, type ReactNode } from 'react'
import { Markdownish } from '../components/Markdownish'

interface Props {
  /** A new value clears the error and renders the children again. */
  resetKey: unknown
  /** What the user can do about it. */
  hint?: ReactNode
  children: ReactNode
}

interface State {
  error: Error | null
  resetKey: unknown
}

/** Shows a story's error (an invalid option, say) in the canvas instead of a blank page. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey }

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return Object.is(props.resetKey, state.resetKey)
      ? null
      : { error: null, resetKey: props.resetKey }
  }

  override render(): ReactNode {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <div className="story-error" role="alert" data-testid="story-error">
        <strong>{error.name}</strong>
        <p>
          <Markdownish text={error.message} />
        </p>
        <p className="muted">
          {this.props.hint ?? 'Change the args in Controls, or restart the story.'}
        </p>
      </div>
    )
  }
}
