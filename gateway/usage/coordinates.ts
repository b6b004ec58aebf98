/**
 * The schema coordinates one operation uses, read once per document from its tree against the
 * schema it was validated with: fields as `Parent.field` (the type they are selected on: through
 * an interface, the interface's), arguments as `Parent.field(arg:)`, the type conditions of
 * fragments and inline fragments (`Book`), input object fields written in the document
 * (`Input.field`), enum values written in the document (`Enum.VALUE`), the named types of
 * variables and of arguments given a variable (`SearchFilter`), and directives (`@include`).
 * Only the fragments the operation spreads count. Values sent in variables are not read (they
 * change per request): see docs/usage.md.
 */
import { createHash } from 'node:crypto';
import {
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  Kind,
  type OperationDefinitionNode,
  print,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';

export interface OperationShape {
  /** The operation's name; `(anonymous)` without one. */
  name: string;
  /** The first 16 hex digits of the SHA-256 of the printed document. */
  hash: string;
  /** Sorted, each once. */
  coordinates: string[];
}

/** Names an operation without a name. */
export const ANONYMOUS = '(anonymous)';

/**
 * The operation of `document` that runs (by `operationName`, or the only one) and what it uses;
 * undefined when there is no such operation (validation refuses it first).
 */
export function operationShape(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): OperationShape | undefined {
  const operation = getOperationAST(document, operationName);
  if (operation == null) return undefined;
  return {
    name: operation.name?.value ?? ANONYMOUS,
    hash: createHash('sha256').update(print(document)).digest('hex').slice(0, 16),
    coordinates: operationCoordinates(schema, document, operation),
  };
}

/** The coordinates `operation` (of `document`) uses: its own selections and the fragments it spreads. */
export function operationCoordinates(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): string[] {
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (parent == null || node.name.value.startsWith('__')) return;
      found.add(`${parent.name}.${node.name.value}`);
    },
    Argument(node) {
      const argument = typeInfo.getArgument();
      const field = typeInfo.getFieldDef();
      const parent = typeInfo.getParentType();
      if (argument == null) return;
      // A directive's argument: typeInfo's directive is the one being visited.
      const directive = typeInfo.getDirective();
      const coordinate =
        directive != null
          ? `@${directive.name}(${argument.name}:)`
          : field != null && parent != null
            ? `${parent.name}.${field.name}(${argument.name}:)`
            : undefined;
      if (coordinate !== undefined) found.add(coordinate);
      if (node.value.kind === Kind.VARIABLE) addNamedInput(found, getNamedType(argument.type).name, schema);
    },
    ObjectField(node) {
      const parent = typeInfo.getParentInputType();
      if (parent != null) found.add(`${getNamedType(parent).name}.${node.name.value}`);
    },
    EnumValue(node) {
      const type = typeInfo.getInputType();
      if (type != null) found.add(`${getNamedType(type).name}.${node.value}`);
    },
    InlineFragment(node) {
      if (node.typeCondition !== undefined) found.add(node.typeCondition.name.value);
    },
    FragmentDefinition(node) {
      found.add(node.typeCondition.name.value);
    },
    VariableDefinition(node) {
      const type = typeFromAST(schema, node.type);
      if (type !== undefined) addNamedInput(found, getNamedType(type).name, schema);
    },
    Directive(node) {
      found.add(`@${node.name.value}`);
    },
  });
  for (const definition of [operation, ...spreadFragments(document, operation)]) visit(definition, visitor);
  // Introspection (`__schema`, `__Type.name`, `Query.__type(name:)`) is no use of the graph.
  return [...found].filter((c) => !c.startsWith('__') && !c.includes('.__')).sort();
}

/** Input objects and enums given whole (by a variable) count as used; scalars say nothing. */
function addNamedInput(found: Set<string>, name: string, schema: GraphQLSchema): void {
  const type = schema.getType(name);
  if (isInputObjectType(type) || isEnumType(type)) found.add(name);
}

/** The fragment definitions `operation` spreads, directly or through other fragments. */
function spreadFragments(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FragmentDefinitionNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  if (fragments.size === 0) return [];
  const reached = new Map<string, FragmentDefinitionNode>();
  const pending: ASTNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment === undefined || reached.has(node.name.value)) return;
        reached.set(node.name.value, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...reached.values()];
}
