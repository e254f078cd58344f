import type {
  Args,
  ArgTypes,
  BeforeEach,
  Meta,
  Parameters,
  StoryContext,
  StoryFn,
  StoryObj,
} from './csf'
import type { ReactNode } from 'react'

export interface Story {
  /** `<meta id or kebab title>` for a `Default` export, else `<that>--<kebab export name>`. */
  id: string
  title: string
  /** The title's first segment: the sidebar group. */
  group: string
  /** The sidebar label: the title's last segment, plus the story name unless it is `Default`. */
  label: string
  name: string
  args: Args
  argTypes: ArgTypes<Args>
  parameters: Parameters
  render: (args: Args, context: StoryContext) => ReactNode
  beforeEach: BeforeEach[]
}

type StoryModule = { default: Meta } & Record<string, unknown>

// Storybook's `storySort.order`: groups first, then titles inside a group; the rest alphabetically.
const ORDER = [
  'Badge',
  'Hook/Healthy session',
  'Hook/Many consumers',
  'Hook/Mount and unmount',
  'Scenarios/Session expires',
  'Scenarios/Token expires',
  'Scenarios/Flaky server',
  'Scenarios/Slow server and timeouts',
  'Scenarios/Offline',
  'Scenarios/Two tabs',
  'Scenarios/Unattended tab',
]

export function toKebab(text: string): string {
  return text
    .replace(/([a-z\d])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z\d]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

function storyName(exportName: string): string {
  return exportName.replace(/([a-z\d])([A-Z])/g, '$1 $2')
}

export function storiesOf(modules: Record<string, StoryModule>): Story[] {
  const stories: Story[] = []
  for (const module of Object.values(modules)) {
    const meta = module.default
    const metaId = meta.id ?? toKebab(meta.title)
    const segments = meta.title.split('/')
    for (const [exportName, value] of Object.entries(module)) {
      if (exportName === 'default' || exportName === '__namedExportsOrder') continue
      const story: StoryObj =
        typeof value === 'function' ? { render: value as StoryFn } : (value as StoryObj)
      const name = story.name ?? storyName(exportName)
      const render =
        story.render ??
        meta.render ??
        ((args: Args) => {
          const Component = meta.component
          if (!Component)
            throw new Error(`${meta.title}: a story needs \`render\` or \`component\``)
          return <Component {...args} />
        })
      stories.push({
        id: exportName === 'Default' ? metaId : `${metaId}--${toKebab(exportName)}`,
        title: meta.title,
        group: segments[0] ?? meta.title,
        label:
          exportName === 'Default' ? (segments.at(-1) ?? name) : `${segments.at(-1)} · ${name}`,
        name,
        args: { ...meta.args, ...story.args },
        argTypes: { ...meta.argTypes, ...story.argTypes },
        parameters: { ...meta.parameters, ...story.parameters },
        render,
        beforeEach: [meta.beforeEach, story.beforeEach].filter(
          (fn): fn is BeforeEach => fn !== undefined,
        ),
      })
    }
  }
  return stories.sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title))
}

function rank(story: Story): number {
  const exact = ORDER.indexOf(story.title)
  if (exact !== -1) return exact
  const group = ORDER.indexOf(story.group)
  return group === -1 ? ORDER.length : group
}

export const stories: Story[] = storiesOf(
  import.meta.glob<StoryModule>('../stories/*.stories.tsx', { eager: true }),
)

export function groupStories(list: readonly Story[]): [string, Story[]][] {
  const groups = new Map<string, Story[]>()
  for (const story of list) {
    const group = groups.get(story.group) ?? []
    group.push(story)
    groups.set(story.group, group)
  }
  return [...groups]
}
