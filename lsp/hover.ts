/** What hover shows: the type of a name, an event's or action's declaration, a function's signature. */
import {
  BUILTIN_FUNCTIONS,
  typeToString,
  type ActionSignatureIR,
  type EventSchemaIR,
  type TypeIR,
} from '../dsl';
import type { Occurrence } from './analysis';
import type { Analysis } from './rule-set';

const block = (code: string): string => '```opsflow\n' + code + '\n```';

export function describeEvent(schema: EventSchemaIR): string {
  const fields = schema.fields.map((f) => `  ${f.name}: ${typeToString(f.type)}`);
  return fields.length === 0 ? `event ${schema.name} {}` : `event ${schema.name} {\n${fields.join('\n')}\n}`;
}

export function describeAction(sig: ActionSignatureIR): string {
  const params = sig.params.map((p) => `${p.name}: ${typeToString(p.type)}`).join(', ');
  return `action ${sig.name}(${params}) -> ${typeToString(sig.result)}`;
}

const ORIGIN: Record<string, string> = {
  builtin: 'built-in action',
  connector: 'from a connector',
  declared: 'declared with `action`',
};

/** Markdown for an occurrence, or undefined when there is nothing to say. */
export function hoverText(o: Occurrence, analysis: Analysis): string | undefined {
  const type = (t: TypeIR | undefined): string => (t ? typeToString(t) : 'any');
  switch (o.kind) {
    case 'event': {
      const schema = analysis.declarations.events.get(o.name);
      return schema ? block(describeEvent(schema)) : `unknown event type \`${o.name}\``;
    }
    case 'action': {
      const sig = analysis.declarations.actions.get(o.name);
      return sig
        ? `${block(describeAction(sig))}\n\n${ORIGIN[sig.origin] ?? ''}`
        : `unknown action \`${o.name}\``;
    }
    case 'field':
      return block(`(field) ${o.owner ? `${o.owner}.` : ''}${o.name}: ${type(o.type)}`);
    case 'param':
      return block(
        `(parameter) ${o.owner ? `${o.owner}(` : ''}${o.name}: ${type(o.type)}${o.owner ? ')' : ''}`,
      );
    case 'binding': {
      const schema = o.owner ? analysis.declarations.events.get(o.owner) : undefined;
      if (!schema || !o.type) return block(`(${o.how ?? 'name'}) ${o.name}: ${type(o.type)}`);
      const optional = o.type.kind === 'optional' ? '?' : '';
      return block(`(${o.how ?? 'name'}) ${o.name}: ${schema.name}${optional}\n\n${describeEvent(schema)}`);
    }
    case 'function': {
      const fn = BUILTIN_FUNCTIONS.get(o.name);
      return fn ? `${block(fn.signature)}\n\n${fn.doc}` : `unknown function \`${o.name}\``;
    }
    case 'rule': {
      const rule = analysis.rules.get(o.name);
      if (!rule) return `unknown rule \`${o.name}\``;
      const desc = rule.decl.description !== undefined ? ` ${JSON.stringify(rule.decl.description)}` : '';
      const trigger = rule.trigger ? `\n  on ${rule.trigger}` : '';
      return `${block(`rule ${rule.decl.name}${desc}${trigger}`)}\n\nin \`${rule.file}\``;
    }
  }
}
