import type { Rule } from '../define-rule';
import bareString from './bare-string';
import defaultUserOrder from './default-user-order';
import duplicateRole from './duplicate-role';
import duplicateUser from './duplicate-user';
import emptyItem from './empty-item';
import emptyUser from './empty-user';
import fileMode from './file-mode';
import idWhitespace from './id-whitespace';
import ineffectiveDeny from './ineffective-deny';
import invalidType from './invalid-type';
import missingRoleId from './missing-role-id';
import multilineString from './multiline-string';
import redundantAllow from './redundant-allow';
import roleDeny from './role-deny';
import tomlSyntax from './toml-syntax';
import unknownKey from './unknown-key';
import unknownPermission from './unknown-permission';
import unknownRole from './unknown-role';
import unrestrictedDefault from './unrestricted-default';
import unusedRole from './unused-role';
import unusedSuppression from './unused-suppression';
import weakCredential from './weak-credential';

/** Every rule, sorted by id. */
export const rules: readonly Rule[] = [
  bareString,
  defaultUserOrder,
  duplicateRole,
  duplicateUser,
  emptyItem,
  emptyUser,
  fileMode,
  idWhitespace,
  ineffectiveDeny,
  invalidType,
  missingRoleId,
  multilineString,
  redundantAllow,
  roleDeny,
  tomlSyntax,
  unknownKey,
  unknownPermission,
  unknownRole,
  unrestrictedDefault,
  unusedRole,
  unusedSuppression,
  weakCredential,
];

export const rulesById: ReadonlyMap<string, Rule> = new Map(rules.map((rule) => [rule.id, rule]));
