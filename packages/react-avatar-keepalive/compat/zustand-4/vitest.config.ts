import { compatProject } from '../compatProject.ts'

export default compatProject('zustand 4', import.meta.url, { react: '19', zustand: '4' })
