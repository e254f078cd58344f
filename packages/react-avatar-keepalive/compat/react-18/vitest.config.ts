import { compatProject } from '../compatProject.ts'

export default compatProject('react 18', import.meta.url, { react: '18', zustand: '5' })
