// Spanish (default) and English strings, and locale-aware number and date
// formatting. The language choice is kept in localStorage.

export type Lang = 'es' | 'en';

const STRINGS = {
  es: {
    skip: 'Saltar al contenido',
    nav_results: 'Resultados',
    nav_arrival: 'Llegada',
    nav_flags: 'Alertas',
    nav_telemetry: 'Ataques',
    nav_audit: 'Auditoría',
    nav_observer: 'Comprobar acta',
    nav_data: 'Datos abiertos',
    nav_label: 'Secciones',
    lang_switch: 'English',
    lang_switch_label: 'Switch to English',
    live_on: 'En vivo',
    live_connecting: 'Conectando…',
    live_off: 'Sin conexión en vivo; reintentando',
    loading: 'Cargando…',
    no_checkpoint: 'El centro aún no ha publicado ningún checkpoint. La página se actualizará sola.',
    error_load: 'No se pudo cargar',
    retry: 'Reintentar',
    national: 'Resultados nacionales',
    tables_counted: 'Mesas contabilizadas',
    of: 'de',
    turnout: 'Participación',
    turnout_note: 'votantes sobre inscritos en mesas contabilizadas',
    registered: 'Electores inscritos',
    ballots_cast: 'Votos emitidos',
    conflicted: 'Mesas en conflicto',
    candidate: 'Candidato',
    party: 'Partido',
    votes: 'Votos',
    percent: '%',
    pct_of_valid: 'Porcentajes sobre votos válidos (sin blancos ni nulos).',
    blank: 'Blancos',
    null: 'Nulos',
    valid: 'Válidos',
    irreversible: 'Tendencia irreversible',
    not_irreversible: 'Aún no irreversible',
    margin: 'Ventaja',
    remaining: 'Votos aún posibles',
    leader: 'Lidera',
    no_votes: 'Sin votos todavía',
    checkpoint: 'Checkpoint',
    checkpoint_note: 'Estas cifras corresponden exactamente a las primeras {n} actas del registro.',
    witnesses: 'Testigos de registro (cofirmantes)',
    witness_quorum_met: '{k} de {q} requeridos',
    witness_below_quorum: 'Bajo el quórum: {k} de {q}',
    witness_note: 'Servidores independientes que cofirmaron el checkpoint {n} tras comprobar que extiende todo lo que firmaron antes. El manifiesto exige {q} de {m}.',
    bulletin_below_quorum: 'El checkpoint de este boletín aún no tiene el quórum de testigos.',
    tree_size: 'Tamaño del árbol',
    root: 'Raíz',
    time: 'Hora',
    regions_below: 'Regiones',
    region: 'Región',
    progress: 'Avance',
    open: 'Abrir',
    page: 'Página {p} de {n}',
    prev: 'Anterior',
    next: 'Siguiente',
    sort_by: 'Ordenar por',
    sort_name: 'nombre',
    sort_progress: 'avance',
    sort_registered: 'inscritos',
    filter: 'Filtrar',
    filter_placeholder: 'Nombre o código',
    no_match: 'Ninguna coincidencia.',
    level_country: 'País',
    level_state: 'Estado',
    level_municipality: 'Municipio',
    level_parish: 'Parroquia',
    level_voting_center: 'Centro de votación',
    level_table: 'Mesa',
    tables: 'Mesas',
    table: 'Mesa',
    goto_table: 'Ir a la mesa',
    goto_table_placeholder: 'Número de mesa',
    go: 'Ir',
    status: 'Estado',
    status_missing: 'Sin acta',
    status_counted: 'Contabilizada',
    status_conflict: 'En conflicto',
    flags: 'Alertas',
    no_flags: 'Ninguna',
    flag_overvote: 'Más votos que inscritos',
    flag_sum_mismatch: 'Los votos no suman',
    flag_outside_window: 'Cierre fuera de horario',
    flag_conflict: 'Actas distintas (conflicto)',
    acta: 'Acta',
    actas_conflict: 'Actas recibidas para esta mesa (todas se conservan como evidencia)',
    closing_time: 'Cierre de la mesa',
    correction: 'Corrección',
    received_at: 'Recibo: recibida el',
    lane: 'Vía',
    lane_terminal: 'terminal de la mesa',
    lane_public: 'observador (vía pública)',
    seq: 'Posición en el registro',
    leaf_hash: 'Hash de hoja',
    inclusion_proof: 'Prueba de inclusión',
    inclusion_note: 'Prueba RFC 9162 de que esta acta está en el árbol de tamaño {n}.',
    not_yet_logged: 'Aún no incluida en un checkpoint publicado.',
    qr_text: 'Texto del código QR',
    qr_note: 'Compruébelo sin conexión con: acta inspect "<texto>"',
    copy: 'Copiar',
    copied: 'Copiado',
    receipt: 'Recibo firmado (base64)',
    table_missing: 'El centro aún no ha recibido el acta de esta mesa.',
    table_not_found: 'No existe la mesa {id}.',
    region_not_found: 'No existe la región {code}.',
    tables_list_unavailable:
      'La lista de mesas de este centro no está disponible en esta elección (demasiado grande para cargarla en el navegador). Use el buscador de mesas.',
    arrival: 'Llegada de actas',
    arrival_minute: 'Mesas llegadas por minuto',
    arrival_total: '{n} de {e} mesas han enviado su acta (contabilizadas o en conflicto).',
    arrival_empty: 'Todavía no ha llegado ninguna acta.',
    arrival_per: 'Mesas llegadas cada {n} min',
    arrival_other: 'Otras {n} regiones',
    arrival_columns: 'Columnas de {b} min',
    arrival_note: 'según la hora de recepción de la primera acta de cada mesa en el registro. Máximo: {p} mesas en {b} min, a las {at}. Registro de {n} actas.',
    arrival_chart: 'Actas en el registro a lo largo del tiempo',
    arrival_observed: 'Mesas contabilizadas (vistas desde que abrió esta página)',
    arrival_log: 'Tamaño del registro (checkpoints)',
    arrival_none: 'Todavía no hay checkpoints.',
    arrival_points: '{n} checkpoints en el gráfico (hasta 600 repartidos por el historial, más los recibidos en vivo). El tamaño del registro incluye actas en conflicto.',
    flags_title: 'Conflictos y mesas con alertas',
    flags_total: 'Mesas con alertas: {n}',
    flags_listed: 'se muestran las {n} de número más bajo',
    flags_all: 'Todas',
    conflicts: 'Conflictos',
    invalid_entries: 'Entradas del registro que no se pudieron aplicar',
    telemetry_title: 'Telemetría de ataques',
    telemetry_none: 'No hay telemetría disponible: este centro todavía no publica datos de ataques.',
    telemetry_rejected: 'Solicitudes rechazadas por motivo',
    telemetry_networks: 'Redes con más rechazos',
    telemetry_countries: 'Países',
    telemetry_distinct: 'Direcciones distintas por hora',
    telemetry_total: 'Rechazadas en total',
    telemetry_accepted: 'Aceptadas',
    telemetry_sources: 'Direcciones de origen distintas (estimación)',
    telemetry_by_lane: 'Por vía',
    telemetry_asns: 'Sistemas autónomos',
    telemetry_no_geo: 'Sin geolocalización configurada en este centro.',
    telemetry_quiet: 'Ninguna solicitud rechazada en la última hora.',
    telemetry_other: 'otros motivos',
    telemetry_bound: 'Cifras de las listas: cota superior (algoritmo space-saving).',
    lane_none: 'sin vía',
    network: 'Red',
    country: 'País',
    rejected: 'Rechazadas',
    addresses: 'Direcciones',
    data_title: 'Datos abiertos',
    data_intro:
      'Todo lo que muestra esta página se puede descargar y recalcular. Nadie tiene que confiar en el centro.',
    data_csv: 'Todas las mesas (CSV): estado y votos de cada mesa',
    data_bulletin: 'Boletín (JSON) atado al último checkpoint',
    data_checkpoint: 'Último checkpoint firmado (C2SP)',
    data_checkpoints: 'Todos los checkpoints (JSON)',
    data_manifest: 'Manifiesto de la elección (JSON) y su firma',
    data_tiles: 'El registro completo en el formato tlog-tiles: /tile/…',
    data_metrics: 'Métricas del centro (Prometheus)',
    data_verify: 'Verifíquelo todo con un solo comando:',
    updated: 'Actualizado al checkpoint {n}',
    as_of_log: 'Cifras al tamaño de registro {n}',
    election: 'Elección',
    footer: 'Cada cifra está atada a un checkpoint firmado del registro Merkle. Verifique con acta verify.',
  },
  en: {
    skip: 'Skip to content',
    nav_results: 'Results',
    nav_arrival: 'Arrival',
    nav_flags: 'Flags',
    nav_telemetry: 'Attacks',
    nav_audit: 'Audit',
    nav_observer: 'Check an acta',
    nav_data: 'Open data',
    nav_label: 'Sections',
    lang_switch: 'Español',
    lang_switch_label: 'Cambiar a español',
    live_on: 'Live',
    live_connecting: 'Connecting…',
    live_off: 'Live updates lost; retrying',
    loading: 'Loading…',
    no_checkpoint: 'The center has not published a checkpoint yet. This page will update by itself.',
    error_load: 'Could not load',
    retry: 'Retry',
    national: 'National results',
    tables_counted: 'Tables counted',
    of: 'of',
    turnout: 'Turnout',
    turnout_note: 'voters over registered in counted tables',
    registered: 'Registered voters',
    ballots_cast: 'Ballots cast',
    conflicted: 'Tables in conflict',
    candidate: 'Candidate',
    party: 'Party',
    votes: 'Votes',
    percent: '%',
    pct_of_valid: 'Percentages of valid votes (blank and null excluded).',
    blank: 'Blank',
    null: 'Null',
    valid: 'Valid',
    irreversible: 'Irreversible trend',
    not_irreversible: 'Not irreversible yet',
    margin: 'Margin',
    remaining: 'Votes still possible',
    leader: 'Leading',
    no_votes: 'No votes yet',
    checkpoint: 'Checkpoint',
    checkpoint_note: 'These numbers are exactly those of the first {n} actas in the log.',
    witnesses: 'Witnesses (cosigners)',
    witness_quorum_met: '{k} of {q} required',
    witness_below_quorum: 'Below quorum: {k} of {q}',
    witness_note: 'Independent servers that cosigned checkpoint {n} after checking it extends everything they signed before. The manifest requires {q} of {m}.',
    bulletin_below_quorum: "This bulletin's checkpoint does not have the witnesses' quorum yet.",
    tree_size: 'Tree size',
    root: 'Root',
    time: 'Time',
    regions_below: 'Regions',
    region: 'Region',
    progress: 'Progress',
    open: 'Open',
    page: 'Page {p} of {n}',
    prev: 'Previous',
    next: 'Next',
    sort_by: 'Sort by',
    sort_name: 'name',
    sort_progress: 'progress',
    sort_registered: 'registered',
    filter: 'Filter',
    filter_placeholder: 'Name or code',
    no_match: 'Nothing matches.',
    level_country: 'Country',
    level_state: 'State',
    level_municipality: 'Municipality',
    level_parish: 'Parish',
    level_voting_center: 'Voting center',
    level_table: 'Table',
    tables: 'Tables',
    table: 'Table',
    goto_table: 'Go to table',
    goto_table_placeholder: 'Table number',
    go: 'Go',
    status: 'Status',
    status_missing: 'No acta yet',
    status_counted: 'Counted',
    status_conflict: 'In conflict',
    flags: 'Flags',
    no_flags: 'None',
    flag_overvote: 'More ballots than registered',
    flag_sum_mismatch: 'Counts do not add up',
    flag_outside_window: 'Closed outside the window',
    flag_conflict: 'Different actas (conflict)',
    acta: 'Acta',
    actas_conflict: 'Actas received for this table (all are kept as evidence)',
    closing_time: 'Table closed at',
    correction: 'Correction',
    received_at: 'Receipt: received at',
    lane: 'Lane',
    lane_terminal: 'table terminal',
    lane_public: 'observer (public lane)',
    seq: 'Position in the log',
    leaf_hash: 'Leaf hash',
    inclusion_proof: 'Inclusion proof',
    inclusion_note: 'RFC 9162 proof that this acta is in the tree of size {n}.',
    not_yet_logged: 'Not in a published checkpoint yet.',
    qr_text: 'QR code text',
    qr_note: 'Check it offline with: acta inspect "<text>"',
    copy: 'Copy',
    copied: 'Copied',
    receipt: 'Signed receipt (base64)',
    table_missing: 'The center has not received this table\'s acta yet.',
    table_not_found: 'There is no table {id}.',
    region_not_found: 'There is no region {code}.',
    tables_list_unavailable:
      'The list of this center\'s tables is not available for this election (too large to load in the browser). Use the table search.',
    arrival: 'Arrival of actas',
    arrival_minute: 'Tables arrived per minute',
    arrival_total: '{n} of {e} tables have sent their acta (counted or in conflict).',
    arrival_empty: 'No acta has arrived yet.',
    arrival_per: 'Tables arrived every {n} min',
    arrival_other: '{n} other regions',
    arrival_columns: '{b}-minute columns',
    arrival_note: 'by the receipt time of each table\'s first acta in the log. Peak: {p} tables in {b} min, at {at}. Log of {n} actas.',
    arrival_chart: 'Actas in the log over time',
    arrival_observed: 'Tables counted (seen since this page was opened)',
    arrival_log: 'Log size (checkpoints)',
    arrival_none: 'No checkpoints yet.',
    arrival_points: '{n} checkpoints in the chart (up to 600 spread over the history, plus those received live). The log size includes conflicting actas.',
    flags_title: 'Conflicts and flagged tables',
    flags_total: 'Flagged tables: {n}',
    flags_listed: 'the {n} lowest-numbered are listed',
    flags_all: 'All',
    conflicts: 'Conflicts',
    invalid_entries: 'Log entries that could not be applied',
    telemetry_title: 'Attack telemetry',
    telemetry_none: 'No telemetry available: this center does not publish attack data yet.',
    telemetry_rejected: 'Rejected requests by reason',
    telemetry_networks: 'Top attacking networks',
    telemetry_countries: 'Countries',
    telemetry_distinct: 'Distinct addresses per hour',
    telemetry_total: 'Rejected in total',
    telemetry_accepted: 'Accepted',
    telemetry_sources: 'Distinct source addresses (estimate)',
    telemetry_by_lane: 'By lane',
    telemetry_asns: 'Autonomous systems',
    telemetry_no_geo: 'No geolocation configured on this center.',
    telemetry_quiet: 'No rejected requests in the last hour.',
    telemetry_other: 'other reasons',
    telemetry_bound: 'List counts are upper bounds (space-saving sketch).',
    lane_none: 'no lane',
    network: 'Network',
    country: 'Country',
    rejected: 'Rejected',
    addresses: 'Addresses',
    data_title: 'Open data',
    data_intro: 'Everything this page shows can be downloaded and recomputed. Nobody has to trust the center.',
    data_csv: 'All tables (CSV): status and votes of every table',
    data_bulletin: 'Bulletin (JSON) tied to the latest checkpoint',
    data_checkpoint: 'Latest signed checkpoint (C2SP)',
    data_checkpoints: 'All checkpoints (JSON)',
    data_manifest: 'Election manifest (JSON) and its signature',
    data_tiles: 'The whole log in the tlog-tiles layout: /tile/…',
    data_metrics: 'Center metrics (Prometheus)',
    data_verify: 'Verify everything with one command:',
    updated: 'Updated to checkpoint {n}',
    as_of_log: 'Numbers at log size {n}',
    election: 'Election',
    footer: 'Every number is tied to a signed checkpoint of the Merkle log. Check it with acta verify.',
  },
} as const;

export type Key = keyof (typeof STRINGS)['es'];

let lang: Lang = readLang();

function readLang(): Lang {
  try {
    const saved = localStorage.getItem('acta.lang');
    if (saved === 'es' || saved === 'en') return saved;
  } catch {
    // Storage may be disabled; Spanish is the default.
  }
  return 'es';
}

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem('acta.lang', next);
  } catch {
    // Not persisted; the switch still works for this page.
  }
  document.documentElement.lang = next;
}

// Translated string with {name} placeholders filled in.
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  let s: string = STRINGS[lang][key];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

const LOCALES: Record<Lang, string> = { es: 'es-ES', en: 'en-US' };
const SEPARATOR: Record<Lang, string> = { es: '.', en: ',' };
const cache = new Map<string, Intl.NumberFormat>();

function formatter(fractionDigits: number): Intl.NumberFormat {
  const key = `${lang}:${fractionDigits}`;
  let f = cache.get(key);
  if (!f) {
    // es-ES leaves 4-digit numbers ungrouped ("1234") under the default
    // "auto" grouping; election numbers must read the same at every size,
    // so grouping is forced. Engines without "always" fall back below.
    const opts: Intl.NumberFormatOptions = {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    };
    (opts as Record<string, unknown>).useGrouping = 'always';
    f = new Intl.NumberFormat(LOCALES[lang], opts);
    cache.set(key, f);
  }
  return f;
}

// Inserts the group separator when the engine did not ("1234" -> "1.234").
function ensureGrouped(s: string): string {
  return s.replace(/^(-?)(\d{4,})/, (_m, sign: string, digits: string) => {
    return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, SEPARATOR[lang]);
  });
}

export function fmtInt(n: number): string {
  return ensureGrouped(formatter(0).format(n));
}

// A percent value (65.23 means 65.23 %) with two decimals.
export function fmtPct(p: number, digits = 2): string {
  const num = ensureGrouped(formatter(digits).format(p));
  return lang === 'es' ? `${num} %` : `${num}%`;
}

export function fmtDateTime(ms: number): string {
  return new Date(ms).toLocaleString(LOCALES[lang], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function fmtTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(LOCALES[lang], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// Hours and minutes ("21:05" / "09:05 PM").
export function fmtClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(LOCALES[lang], { hour: '2-digit', minute: '2-digit' });
}

export function levelName(level: string): string {
  const key = `level_${level}` as Key;
  return key in STRINGS[lang] ? t(key) : level;
}

export function flagName(flag: string): string {
  const key = `flag_${flag}` as Key;
  return key in STRINGS[lang] ? t(key) : flag;
}

export function statusName(status: string): string {
  const key = `status_${status}` as Key;
  return key in STRINGS[lang] ? t(key) : status;
}
