/**
 * The rules mode's match equation, e.g. `email OR phone OR (name AND company)`: field names
 * (or `name` for first + last name) combined with AND, OR, NOT and parentheses.
 */
export type RuleExpr =
	| { op: 'field'; name: string }
	| { op: 'and' | 'or'; left: RuleExpr; right: RuleExpr }
	| { op: 'not'; expr: RuleExpr };

export class RuleSyntaxError extends Error {}

/**
 * Parses a match rule. Errors name the problem and its position (1-based character), so the
 * editor message can point at it: `unexpected "phone" at position 7`.
 */
export function parseRule(text: string, known: Set<string>): RuleExpr {
	const tokens = [...text.matchAll(/\(|\)|[A-Za-z_][A-Za-z0-9_]*|\S/g)].map((m) => ({ t: m[0], at: m.index + 1 }));
	let pos = 0;
	const peek = () => tokens[pos]?.t.toUpperCase();
	const where = () =>
		pos < tokens.length ? `at position ${tokens[pos].at}` : `at the end (position ${text.trimEnd().length + 1})`;
	const expect = (t: string) => {
		if (peek() !== t)
			throw new RuleSyntaxError(`expected "${t}" ${where()}${pos < tokens.length ? `, found "${tokens[pos].t}"` : ''}`);
		pos++;
	};
	const primary = (): RuleExpr => {
		const token = tokens[pos];
		if (token === undefined) throw new RuleSyntaxError(`the rule ends too early: a field is missing ${where()}`);
		const t = token.t;
		if (t === '(') {
			pos++;
			const e = or();
			expect(')');
			return e;
		}
		if (t.toUpperCase() === 'NOT') {
			pos++;
			return { op: 'not', expr: primary() };
		}
		if (!/^[A-Za-z_]/.test(t)) throw new RuleSyntaxError(`unexpected "${t}" ${where()}`);
		const name = t.toLowerCase();
		if (!known.has(name))
			throw new RuleSyntaxError(`unknown field "${t}" ${where()} (known: ${[...known].sort().join(', ')})`);
		pos++;
		return { op: 'field', name };
	};
	const and = (): RuleExpr => {
		let left = primary();
		while (peek() === 'AND') {
			pos++;
			left = { op: 'and', left, right: primary() };
		}
		return left;
	};
	const or = (): RuleExpr => {
		let left = and();
		while (peek() === 'OR') {
			pos++;
			left = { op: 'or', left, right: and() };
		}
		return left;
	};
	const expr = or();
	if (pos !== tokens.length)
		throw new RuleSyntaxError(`unexpected "${tokens[pos].t}" ${where()} (join fields with AND or OR)`);
	return expr;
}

/** Evaluates the rule; returns the field names that made it true (for the match reason), or null. */
export function evalRule(expr: RuleExpr, agrees: (name: string) => boolean): string[] | null {
	switch (expr.op) {
		case 'field':
			return agrees(expr.name) ? [expr.name] : null;
		case 'not':
			return evalRule(expr.expr, agrees) ? null : [];
		case 'and': {
			const l = evalRule(expr.left, agrees);
			const r = l && evalRule(expr.right, agrees);
			return l && r ? [...l, ...r] : null;
		}
		case 'or':
			return evalRule(expr.left, agrees) ?? evalRule(expr.right, agrees);
	}
}
