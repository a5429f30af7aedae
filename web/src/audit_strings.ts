// The audit page's strings, Spanish and English, kept beside the page so
// the shared dictionary (i18n.ts) only gains the menu entry.

import { currentLang } from './i18n';

const STRINGS = {
  es: {
    title: 'Auditoría de riesgo limitado',
    intro:
      'Se cuentan a mano las papeletas de mesas sorteadas y se comparan con las actas del registro, hasta que la probabilidad de que un resultado equivocado sobreviva quede por debajo del límite de riesgo. El sorteo sale de una semilla pública; cualquiera puede recalcularlo todo.',
    verify: 'Recalcúlelo usted desde el registro y los archivos publicados:',
    none: 'Este centro no ha publicado ninguna auditoría.',
    contest: 'Contienda',
    status: 'Estado',
    in_progress: 'En curso: esperando el conteo a mano',
    risk_limit_met: 'Límite de riesgo alcanzado: el resultado queda confirmado',
    full_count: 'Se requiere un conteo a mano completo',
    risk_limit: 'Límite de riesgo',
    seed: 'Semilla pública',
    checkpoint: 'Fijada al checkpoint',
    winner: 'Ganador reportado',
    margins: 'Márgenes (menos mesas sin acta)',
    unreported: 'Electores de mesas sin acta contabilizada',
    bound: 'U (suma de cotas de error)',
    round: 'Ronda',
    draws: 'Sorteos',
    to_count: 'Mesas a contar',
    risk: 'Riesgo tras la ronda',
    decision: 'Decisión',
    awaiting_hand_counts: 'esperando conteo',
    stop: 'detener: riesgo bajo el límite',
    escalate: 'ampliar la muestra',
    full_count_d: 'conteo completo',
    table: 'Mesa',
    region: 'Centro',
    drawn: 'Veces sorteada',
    reported: 'Acta',
    hand: 'Conteo a mano',
    overstatement: 'Sobrestimación (votos)',
    taint: 'Contaminación',
    files: 'Archivos',
  },
  en: {
    title: 'Risk-limiting audit',
    intro:
      'The paper ballots of randomly drawn tables are counted by hand and compared with their actas in the log, until the chance that a wrong outcome survives is below the risk limit. The draw comes from a public seed; anyone can recompute all of it.',
    verify: 'Recompute it yourself from the log and the published files:',
    none: 'This center has published no audit.',
    contest: 'Contest',
    status: 'Status',
    in_progress: 'In progress: waiting for the hand count',
    risk_limit_met: 'Risk limit met: the outcome is confirmed',
    full_count: 'A full hand count is needed',
    risk_limit: 'Risk limit',
    seed: 'Public seed',
    checkpoint: 'Pinned to checkpoint',
    winner: 'Reported winner',
    margins: 'Margins (less tables without an acta)',
    unreported: 'Registered voters of tables without a counted acta',
    bound: 'U (sum of error bounds)',
    round: 'Round',
    draws: 'Draws',
    to_count: 'Tables to count',
    risk: 'Risk after the round',
    decision: 'Decision',
    awaiting_hand_counts: 'awaiting hand counts',
    stop: 'stop: risk below the limit',
    escalate: 'escalate',
    full_count_d: 'full hand count',
    table: 'Table',
    region: 'Center',
    drawn: 'Times drawn',
    reported: 'Acta',
    hand: 'Hand count',
    overstatement: 'Overstatement (votes)',
    taint: 'Taint',
    files: 'Files',
  },
} as const;

export type AuditKey = keyof (typeof STRINGS)['es'];

export function at(key: AuditKey): string {
  return STRINGS[currentLang()][key];
}
