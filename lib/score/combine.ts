/**
 * Rules and a trained model on one lead: how the model's probability of conversion (0-100) enters
 * the score. `model`: the model alone; `modelAsFit`: the probability is the fit score and
 * engagement comes from the rules; `blend`: a weighted mean of the probability and the rules'
 * total; `modelPoints`: the model is one more fit rule worth up to `points`, scaled by the
 * probability. The total cap, label and matrix follow from the combined figures.
 */
import { labelFor, matrixLabel, round, type Reason, type ScoreConfig, type ScoreResult } from './points';

export type Combine = 'model' | 'modelAsFit' | 'blend' | 'modelPoints';

export interface CombineOptions {
	mode: Combine;
	/** blend: the model's share of the total, 0..1. */
	weight?: number;
	/** modelPoints: the fit points a probability of 100% is worth. */
	points?: number;
}

/**
 * The rules' result with the model in it. `modelReasons` are the model's signed contributions
 * (kind `model`); they explain the probability, not points.
 */
export function combineWithModel(
	config: ScoreConfig,
	rules: ScoreResult,
	probability: number,
	modelReasons: Reason[],
	options: CombineOptions,
): ScoreResult {
	const out: ScoreResult = { ...rules, reasons: [...rules.reasons] };
	const engagementReasons = rules.reasons.filter((r) => r.kind === 'engagement');
	switch (options.mode) {
		case 'model':
			out.fit = probability;
			out.engagement = 0;
			out.total = probability;
			out.reasons = modelReasons;
			break;
		case 'modelAsFit':
			out.fit = probability;
			out.total = round(probability + rules.engagement);
			out.reasons = [...modelReasons, ...engagementReasons];
			break;
		case 'blend': {
			const w = Math.min(1, Math.max(0, options.weight ?? 0.5));
			out.total = round(w * probability + (1 - w) * rules.total);
			out.reasons = [
				...rules.reasons,
				{
					rule: `Blend: ${round(w * 100)}% model (${probability}) + ${round(100 - w * 100)}% rules (${rules.total})`,
					kind: 'model',
					points: round(out.total - rules.total),
				},
				...modelReasons,
			];
			break;
		}
		case 'modelPoints': {
			const points = round((probability / 100) * (options.points ?? 0));
			out.fit = round(rules.fit + points);
			out.total = round(rules.total + points);
			out.reasons = [
				{ rule: `Model (${probability}% likely to convert)`, kind: 'model', points, raw: options.points ?? 0 },
				...rules.reasons,
				...modelReasons,
			];
			break;
		}
	}
	if (config.totalCap !== undefined && out.total > config.totalCap) out.total = config.totalCap;
	out.label = labelFor(config.thresholds, out.total);
	if (config.matrix) out.matrix = matrixLabel(config.matrix, out.fit, out.engagement);
	return out;
}
