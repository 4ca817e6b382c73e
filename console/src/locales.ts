/** The console's words: English (`locale-en.ts`, a contract) and Simplified Chinese (`locale-zh-cn.ts`). */
export { en } from './locale-en';
export { zhCN } from './locale-zh-cn';
