// The naming of users lives in the resolver, so that the servers' logs name them as reports do.
export { describeUserAt, maskId } from '@nano-access/resolver';
