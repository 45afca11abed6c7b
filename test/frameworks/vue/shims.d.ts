// What create-vue generates for a TypeScript project: `.vue` imports are components.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
