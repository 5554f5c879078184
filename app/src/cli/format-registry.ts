// The registry's state as lines of text for a terminal.
import type { RegistrySummary } from "../sdk/registry-state.js";

function days(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} d` : `${seconds} s`;
}

export function formatRegistry(r: RegistrySummary): string {
  const p = r.policy;
  return [
    `registry ${r.address} (layout v${r.layoutVersion}, created ${r.createdAt} by ${r.initializedBy})`,
    `  council (epoch ${r.councilEpoch}, ${r.threshold} of ${r.council.length} approve, time lock ${days(r.timeLockSeconds)}):`,
    ...r.council.map((k) => `    ${k}`),
    `  policy: review every ${days(p.reviewIntervalSeconds)} (+${days(p.reviewGraceSeconds)} grace), ` +
      `audit after ${p.deviationThreshold} deviations in ${days(p.deviationWindowSeconds)}, ` +
      `guardian suspension ${days(p.guardianSuspensionSeconds)}, proposals live ${days(p.proposalLifetimeSeconds)}, ` +
      `key rotation grace ${days(p.keyRotationGraceSeconds)}, ` +
      `guardian re-suspension cool-down ${days(p.guardianResuspensionCooldownSeconds)}`,
    `  categories: ${r.categories.join(", ") || "(none)"}`,
    `  partners ${r.partnerCount}, proposals ${r.proposalCount}, changes ${r.changeCount} (history head ${r.historyHead.slice(0, 16)}…)`,
  ].join("\n");
}
