/**
 * Rules and a trained model on one lead: how the model's probability of conversion (0-100) enters
 * the score. `model`: the model alone; `modelAsFit`: the probability is the fit score and
 * engagement comes from the rules; `blend`: a weighted mean of the probability and the rules'
 * total; `modelPoints`: the model is one more fit rule worth up to `points`, scaled by the
 * probability. The total cap, label and matrix follow from the combined figures.
 */
import { applyTotalCap, labelFor, matrixLabel, round, type ScoreConfig, type ScoreResult } from './points';

export type Combine = 'model' | 'modelAsFit' | 'blend' | 'modelPoints';

export interface CombineOptions {
	mode: Combine;
	/** blend: the model's share of the total, 0..1. */
	weight?: number;
	/** modelPoints: the fit points a probability of 100% is worth. */
	points?: number;
}

/**
 * The rules' result with the model in it. The model enters the reasons as one reason (kind
 * `model`) worth its share of the total, so the reasons' points add up to the total; the model's
 * own explanation (signed log-odds per field) stays in the score's `model.contributions`.
 */
export function combineWithModel(
	config: ScoreConfig,
	rules: ScoreResult,
	probability: number,
	modelName: string,
	options: CombineOptions,
): ScoreResult {
	const out: ScoreResult = { ...rules, reasons: [...rules.reasons] };
	const rulesTotal = rules.total;
	const engagementReasons = rules.reasons.filter((r) => r.kind === 'engagement');
	const likely = `${modelName}: ${probability}% likely to convert`;
	switch (options.mode) {
		case 'model':
			out.fit = probability;
			out.engagement = 0;
			out.total = probability;
			out.reasons = [{ rule: likely, kind: 'model', points: probability }];
			break;
		case 'modelAsFit':
			out.fit = probability;
			out.total = round(probability + rules.engagement);
			out.reasons = [{ rule: likely, kind: 'model', points: probability }, ...engagementReasons];
			break;
		case 'blend': {
			const w = Math.min(1, Math.max(0, options.weight ?? 0.5));
			out.total = round(w * probability + (1 - w) * rulesTotal);
			out.reasons = [
				...out.reasons,
				{
					rule: `Blend: ${round(w * 100)}% model (${probability}) + ${round(100 - w * 100)}% rules (${rulesTotal})`,
					kind: 'model',
					points: round(out.total - rulesTotal),
				},
			];
			break;
		}
		case 'modelPoints': {
			const points = round((probability / 100) * (options.points ?? 0));
			out.fit = round(rules.fit + points);
			out.total = round(rulesTotal + points);
			out.reasons = [{ rule: likely, kind: 'model', points, raw: options.points ?? 0 }, ...out.reasons];
			break;
		}
	}
	out.total = applyTotalCap(config, out.reasons, out.total);
	out.label = labelFor(config.thresholds, out.total);
	if (config.matrix) out.matrix = matrixLabel(config.matrix, out.fit, out.engagement);
	return out;
}
