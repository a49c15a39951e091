export { manifestRoute as default } from '../../../../../../workflows/archive/manifest-route.ts';
