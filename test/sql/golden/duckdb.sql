-- Payrule rule packs compiled to DuckDB SQL (docs/sql.md).
-- Reads claim_lines: one row per claim line. Returns one row per claim line:
-- claim_seq, claim_id, line_seq, line_number, code, billed_units, allowed_units, status, findings.
-- Rules: the rule tables pr_rules, pr_pair_rules, pr_pair_modifiers, pr_policy_payers, pr_rule_codes, pr_rule_ranges, pr_rule_tests, pr_rule_values, pr_rule_counters
-- (payrule sql --tables writes them; docs/sql.md). Every rule is rows of them: this statement is the
-- same text for any packs.
WITH
pr_lines AS NOT MATERIALIZED (
  SELECT
    src.claim_seq AS claim_seq,
    src.claim_id AS claim_id,
    src.patient_id AS patient_id,
    lower(trim(regexp_replace(src.payer, ('[' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || '    -     　﻿]+'), ' ', 'g'))) AS payer_key,
    src.provider_id AS provider_id,
    src.provider_type AS provider_type,
    src.line_seq AS line_seq,
    src.line_number AS line_number,
    CAST(src.service_date AS DATE) AS service_date,
    src.code AS code,
    COALESCE(CAST(src.units AS BIGINT), 1) AS units,
    CAST(src.minutes AS DOUBLE) AS minutes,
    src.modifiers AS modifiers,
    src.diagnoses AS diagnoses,
    src.diagnosis_pointers AS diagnosis_pointers
  FROM claim_lines src
),
pr_pair_candidates AS (
  SELECT r.rule_no, s.claim_seq, s.line_seq, s.units, s.modifiers AS own_modifiers, p.modifiers AS partner_modifiers
  FROM pr_lines s
  JOIN pr_pair_rules r ON r.subject_code = s.code AND r.scope = 'day'
  JOIN pr_lines p ON p.code = r.partner_code AND p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id
  LEFT JOIN pr_policy_payers ys ON ys.policy_no = r.policy_no AND ys.payer_key = s.payer_key
  LEFT JOIN pr_policy_payers yp ON yp.policy_no = r.policy_no AND yp.payer_key = p.payer_key
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq)
    AND (r.effective_from IS NULL OR s.service_date >= r.effective_from) AND (r.effective_to IS NULL OR s.service_date <= r.effective_to)
    AND (s.payer_key IS NULL OR ys.policy_no IS NOT NULL) AND (p.payer_key IS NULL OR yp.policy_no IS NOT NULL)
  UNION ALL
  SELECT r.rule_no, s.claim_seq, s.line_seq, s.units, s.modifiers AS own_modifiers, p.modifiers AS partner_modifiers
  FROM pr_lines s
  JOIN pr_pair_rules r ON r.subject_code = s.code AND r.scope = 'claim'
  JOIN pr_lines p ON p.code = r.partner_code AND p.claim_seq = s.claim_seq
  LEFT JOIN pr_policy_payers ys ON ys.policy_no = r.policy_no AND ys.payer_key = s.payer_key
  LEFT JOIN pr_policy_payers yp ON yp.policy_no = r.policy_no AND yp.payer_key = p.payer_key
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq)
    AND (r.effective_from IS NULL OR s.service_date >= r.effective_from) AND (r.effective_to IS NULL OR s.service_date <= r.effective_to)
    AND (s.payer_key IS NULL OR ys.policy_no IS NOT NULL) AND (p.payer_key IS NULL OR yp.policy_no IS NOT NULL)
),
pr_pair_lifted AS (
  SELECT DISTINCT c.rule_no, c.claim_seq, c.line_seq
  FROM pr_pair_candidates c
  JOIN pr_pair_modifiers m ON m.rule_no = c.rule_no
  WHERE list_contains(c.own_modifiers, m.modifier) OR (m.either_line AND list_contains(c.partner_modifiers, m.modifier))
),
pr_pair_findings AS (
  SELECT c.rule_no, CASE WHEN i.action = 'deny' THEN 1 ELSE 0 END AS withdraws, c.claim_seq, c.line_seq, MAX(c.units) AS units
  FROM pr_pair_candidates c
  JOIN pr_rules i ON i.rule_no = c.rule_no
  WHERE NOT EXISTS (SELECT 1 FROM pr_pair_lifted l WHERE l.rule_no = c.rule_no AND l.claim_seq = c.claim_seq AND l.line_seq = c.line_seq)
  GROUP BY c.rule_no, i.action, c.claim_seq, c.line_seq
),
pr_hits AS NOT MATERIALIZED (
  SELECT r.rule_no, r.form, r.action, r.conditions, r.counters, r.per_unit, r.half_unit, r.timed_method,
    (r.effective_from IS NULL OR l.service_date >= r.effective_from) AND (r.effective_to IS NULL OR l.service_date <= r.effective_to) AS in_effect, k.set_no,
    l.claim_seq, l.patient_id, l.provider_id, l.provider_type, l.line_seq, l.service_date, l.code, l.units, l.minutes, l.modifiers
  FROM pr_lines l
  JOIN pr_rule_codes k ON k.code = l.code
  JOIN pr_rules r ON r.rule_no = k.rule_no
  LEFT JOIN pr_policy_payers y ON y.policy_no = r.policy_no AND y.payer_key = l.payer_key
  WHERE (l.payer_key IS NULL OR y.policy_no IS NOT NULL)
  UNION ALL
  SELECT r.rule_no, r.form, r.action, r.conditions, r.counters, r.per_unit, r.half_unit, r.timed_method,
    (r.effective_from IS NULL OR l.service_date >= r.effective_from) AND (r.effective_to IS NULL OR l.service_date <= r.effective_to) AS in_effect, g.set_no,
    l.claim_seq, l.patient_id, l.provider_id, l.provider_type, l.line_seq, l.service_date, l.code, l.units, l.minutes, l.modifiers
  FROM (SELECT pr_l.*, CASE WHEN length(code) <> 5 THEN NULL WHEN regexp_matches(code, '^[0-9]{5}') THEN 'cpt' WHEN regexp_matches(code, '^[0-9]{4}[A-Z]') THEN 'category' WHEN regexp_matches(code, '^[A-Z][0-9]{4}') THEN 'hcpcs' END AS code_shape, CASE WHEN regexp_matches(code, '^[0-9]{4}[A-Z]') THEN substr(code, 5, 1) ELSE '' END AS code_letter FROM pr_lines pr_l) l
  JOIN pr_rule_ranges g ON g.shape = l.code_shape AND COALESCE(g.letter, '') = l.code_letter AND l.code BETWEEN g.low AND g.high
  JOIN pr_rules r ON r.rule_no = g.rule_no
  LEFT JOIN pr_policy_payers y ON y.policy_no = r.policy_no AND y.payer_key = l.payer_key
  WHERE (l.payer_key IS NULL OR y.policy_no IS NOT NULL)
),
pr_test_lists AS (
  SELECT rule_no, test_no, list(value) AS items
  FROM pr_rule_values
  GROUP BY rule_no, test_no
),
pr_subject_1 AS (
  SELECT * FROM pr_hits WHERE form = 'line' AND set_no = 0 AND in_effect
),
pr_partner_1 AS (
  SELECT * FROM pr_hits WHERE form = 'line' AND set_no > 0
),
pr_partner_1_day AS (
  SELECT rule_no, set_no, patient_id, service_date, provider_id, COUNT(*) AS partners, MIN(claim_seq) AS one_claim, MIN(line_seq) AS one_line
  FROM pr_partner_1
  GROUP BY rule_no, set_no, patient_id, service_date, provider_id
),
pr_partner_1_claim AS (
  SELECT rule_no, set_no, claim_seq, COUNT(*) AS partners, MIN(claim_seq) AS one_claim, MIN(line_seq) AS one_line
  FROM pr_partner_1
  GROUP BY rule_no, set_no, claim_seq
),
pr_tests_1 AS (
  -- with, without
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind IN ('with', 'without') AND t.scope = 'day'
  JOIN pr_partner_1_day p ON p.rule_no = s.rule_no AND p.set_no = t.test_no AND p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id
  WHERE p.partners > 1 OR NOT (p.one_claim = s.claim_seq AND p.one_line = s.line_seq)
  UNION ALL
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind IN ('with', 'without') AND t.scope = 'claim'
  JOIN pr_partner_1_claim p ON p.rule_no = s.rule_no AND p.set_no = t.test_no AND p.claim_seq = s.claim_seq
  WHERE p.partners > 1 OR NOT (p.one_claim = s.claim_seq AND p.one_line = s.line_seq)
  UNION ALL
  -- modifier on either line: the partner's
  SELECT DISTINCT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'modifier' AND t.either_line
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_rule_tests w ON w.rule_no = s.rule_no AND w.kind = 'with' AND w.scope = 'day'
  JOIN pr_partner_1 p ON p.rule_no = s.rule_no AND p.set_no = w.test_no AND p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq) AND COALESCE(list_has_any(p.modifiers, v.items), FALSE)
  UNION ALL
  SELECT DISTINCT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'modifier' AND t.either_line
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_rule_tests w ON w.rule_no = s.rule_no AND w.kind = 'with' AND w.scope = 'claim'
  JOIN pr_partner_1 p ON p.rule_no = s.rule_no AND p.set_no = w.test_no AND p.claim_seq = s.claim_seq
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq) AND COALESCE(list_has_any(p.modifiers, v.items), FALSE)
  UNION ALL
  -- modifier
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'modifier'
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  WHERE COALESCE(list_has_any(s.modifiers, v.items), FALSE)
  UNION ALL
  -- provider
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'provider'
  JOIN pr_rule_values v ON v.rule_no = t.rule_no AND v.test_no = t.test_no AND v.value = s.provider_type
  UNION ALL
  -- diagnosis-only, diagnosis
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_1 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind IN ('diagnosis-only', 'diagnosis')
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_lines l ON l.claim_seq = s.claim_seq AND l.line_seq = s.line_seq
  WHERE CASE WHEN t.kind = 'diagnosis' THEN COALESCE(len(list_filter(list_transform(CASE WHEN l.diagnosis_pointers IS NULL OR len(l.diagnosis_pointers) = 0 THEN l.diagnoses ELSE list_transform(l.diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(l.diagnoses) THEN l.diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL AND len(list_filter(v.items, lambda pr_v: CASE WHEN pr_v LIKE '%*' THEN substr(pr_x, 1, length(pr_v) - 1) = substr(pr_v, 1, length(pr_v) - 1) ELSE pr_v = pr_x END)) > 0)), 0) > 0
    ELSE COALESCE(len(list_filter(list_transform(CASE WHEN l.diagnosis_pointers IS NULL OR len(l.diagnosis_pointers) = 0 THEN l.diagnoses ELSE list_transform(l.diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(l.diagnoses) THEN l.diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL)), 0) > 0 AND COALESCE(len(list_filter(list_transform(CASE WHEN l.diagnosis_pointers IS NULL OR len(l.diagnosis_pointers) = 0 THEN l.diagnoses ELSE list_transform(l.diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(l.diagnoses) THEN l.diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL AND NOT (len(list_filter(v.items, lambda pr_v: CASE WHEN pr_v LIKE '%*' THEN substr(pr_x, 1, length(pr_v) - 1) = substr(pr_v, 1, length(pr_v) - 1) ELSE pr_v = pr_x END)) > 0))), 0) = 0 END
),
pr_outcome_1 AS (
  SELECT h.rule_no, h.claim_seq, h.line_seq,
    SUM(CASE WHEN t.role = 'condition' AND t.kind <> 'without' THEN 1 ELSE 0 END) AS met,
    MAX(CASE WHEN t.role = 'condition' AND t.kind = 'without' THEN 1 ELSE 0 END) AS blocked,
    MAX(CASE WHEN t.role = 'exception' THEN 1 ELSE 0 END) AS lifts
  FROM pr_tests_1 h
  JOIN pr_rule_tests t ON t.rule_no = h.rule_no AND t.test_no = h.test_no
  GROUP BY h.rule_no, h.claim_seq, h.line_seq
),
pr_eligible_1 AS (
  SELECT s.*, COALESCE(o.lifts, 0) = 1 AS lifted
  FROM pr_subject_1 s
  LEFT JOIN pr_outcome_1 o ON o.rule_no = s.rule_no AND o.claim_seq = s.claim_seq AND o.line_seq = s.line_seq
  WHERE COALESCE(o.met, 0) = s.conditions AND COALESCE(o.blocked, 0) = 0
),
pr_judged AS (
  SELECT rule_no, CASE WHEN action = 'deny' THEN 1 ELSE 0 END AS withdraws, claim_seq, line_seq, units
  FROM pr_eligible_1
  WHERE NOT lifted
  UNION ALL
  -- pair edits: the rows of pr_pair_rules
  SELECT rule_no, withdraws, claim_seq, line_seq, units FROM pr_pair_findings
),
pr_withdrawn AS (
  SELECT DISTINCT claim_seq AS w_claim_seq, line_seq AS w_line_seq FROM pr_judged WHERE withdraws = 1
),
pr_hits_2 AS (
  SELECT h.* FROM pr_hits h
  LEFT JOIN pr_withdrawn w ON w.w_claim_seq = h.claim_seq AND w.w_line_seq = h.line_seq
  WHERE h.form IN ('count', 'timed') AND w.w_claim_seq IS NULL
),
pr_subject_2 AS (
  SELECT * FROM pr_hits_2 WHERE form = 'count' AND set_no = 0
),
pr_partner_2 AS (
  SELECT * FROM pr_hits_2 WHERE set_no > 0
),
pr_partner_2_day AS (
  SELECT rule_no, set_no, patient_id, service_date, provider_id, COUNT(*) AS partners, MIN(claim_seq) AS one_claim, MIN(line_seq) AS one_line
  FROM pr_partner_2
  GROUP BY rule_no, set_no, patient_id, service_date, provider_id
),
pr_partner_2_claim AS (
  SELECT rule_no, set_no, claim_seq, COUNT(*) AS partners, MIN(claim_seq) AS one_claim, MIN(line_seq) AS one_line
  FROM pr_partner_2
  GROUP BY rule_no, set_no, claim_seq
),
pr_tests_2 AS (
  -- with, without
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind IN ('with', 'without') AND t.scope = 'day'
  JOIN pr_partner_2_day p ON p.rule_no = s.rule_no AND p.set_no = t.test_no AND p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id
  WHERE p.partners > 1 OR NOT (p.one_claim = s.claim_seq AND p.one_line = s.line_seq)
  UNION ALL
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind IN ('with', 'without') AND t.scope = 'claim'
  JOIN pr_partner_2_claim p ON p.rule_no = s.rule_no AND p.set_no = t.test_no AND p.claim_seq = s.claim_seq
  WHERE p.partners > 1 OR NOT (p.one_claim = s.claim_seq AND p.one_line = s.line_seq)
  UNION ALL
  -- modifier on either line: the partner's
  SELECT DISTINCT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'modifier' AND t.either_line
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_rule_tests w ON w.rule_no = s.rule_no AND w.kind = 'with' AND w.scope = 'day'
  JOIN pr_partner_2 p ON p.rule_no = s.rule_no AND p.set_no = w.test_no AND p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq) AND COALESCE(list_has_any(p.modifiers, v.items), FALSE)
  UNION ALL
  SELECT DISTINCT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'modifier' AND t.either_line
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_rule_tests w ON w.rule_no = s.rule_no AND w.kind = 'with' AND w.scope = 'claim'
  JOIN pr_partner_2 p ON p.rule_no = s.rule_no AND p.set_no = w.test_no AND p.claim_seq = s.claim_seq
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq) AND COALESCE(list_has_any(p.modifiers, v.items), FALSE)
  UNION ALL
  -- modifier
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'modifier'
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  WHERE COALESCE(list_has_any(s.modifiers, v.items), FALSE)
  UNION ALL
  -- provider
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind = 'provider'
  JOIN pr_rule_values v ON v.rule_no = t.rule_no AND v.test_no = t.test_no AND v.value = s.provider_type
  UNION ALL
  -- diagnosis-only, diagnosis
  SELECT s.rule_no, t.test_no, s.claim_seq, s.line_seq
  FROM pr_subject_2 s
  JOIN pr_rule_tests t ON t.rule_no = s.rule_no AND t.kind IN ('diagnosis-only', 'diagnosis')
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_lines l ON l.claim_seq = s.claim_seq AND l.line_seq = s.line_seq
  WHERE CASE WHEN t.kind = 'diagnosis' THEN COALESCE(len(list_filter(list_transform(CASE WHEN l.diagnosis_pointers IS NULL OR len(l.diagnosis_pointers) = 0 THEN l.diagnoses ELSE list_transform(l.diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(l.diagnoses) THEN l.diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL AND len(list_filter(v.items, lambda pr_v: CASE WHEN pr_v LIKE '%*' THEN substr(pr_x, 1, length(pr_v) - 1) = substr(pr_v, 1, length(pr_v) - 1) ELSE pr_v = pr_x END)) > 0)), 0) > 0
    ELSE COALESCE(len(list_filter(list_transform(CASE WHEN l.diagnosis_pointers IS NULL OR len(l.diagnosis_pointers) = 0 THEN l.diagnoses ELSE list_transform(l.diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(l.diagnoses) THEN l.diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL)), 0) > 0 AND COALESCE(len(list_filter(list_transform(CASE WHEN l.diagnosis_pointers IS NULL OR len(l.diagnosis_pointers) = 0 THEN l.diagnoses ELSE list_transform(l.diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(l.diagnoses) THEN l.diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL AND NOT (len(list_filter(v.items, lambda pr_v: CASE WHEN pr_v LIKE '%*' THEN substr(pr_x, 1, length(pr_v) - 1) = substr(pr_v, 1, length(pr_v) - 1) ELSE pr_v = pr_x END)) > 0))), 0) = 0 END
),
pr_outcome_2 AS (
  SELECT h.rule_no, h.claim_seq, h.line_seq,
    SUM(CASE WHEN t.role = 'condition' AND t.kind <> 'without' THEN 1 ELSE 0 END) AS met,
    MAX(CASE WHEN t.role = 'condition' AND t.kind = 'without' THEN 1 ELSE 0 END) AS blocked,
    MAX(CASE WHEN t.role = 'exception' THEN 1 ELSE 0 END) AS lifts
  FROM pr_tests_2 h
  JOIN pr_rule_tests t ON t.rule_no = h.rule_no AND t.test_no = h.test_no
  GROUP BY h.rule_no, h.claim_seq, h.line_seq
),
pr_eligible_2 AS (
  SELECT s.*, COALESCE(o.lifts, 0) = 1 AS lifted
  FROM pr_subject_2 s
  LEFT JOIN pr_outcome_2 o ON o.rule_no = s.rule_no AND o.claim_seq = s.claim_seq AND o.line_seq = s.line_seq
  WHERE COALESCE(o.met, 0) = s.conditions AND COALESCE(o.blocked, 0) = 0
),
pr_counting AS (
  SELECT e.rule_no, e.counters, c.counter_no, c.counter_kind, c.counter_max, c.whole_line, c.visit_days,
    e.claim_seq, e.line_seq, e.patient_id, e.provider_id, e.service_date, e.code, e.units,
    date_diff('day', DATE '1970-01-01', e.service_date) AS day_number, year(e.service_date) AS service_year, e.lifted,
    CASE WHEN c.counter_kind IN (5, 6) THEN e.in_effect ELSE TRUE END AS in_effect
  FROM pr_eligible_2 e
  JOIN pr_rule_counters c ON c.rule_no = e.rule_no
  WHERE c.counter_kind IN (5, 6) OR e.in_effect
),
pr_units_line AS (
  SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, CASE WHEN 0 + units <= counter_max THEN 0 WHEN whole_line THEN units ELSE LEAST(units, 0 + units - counter_max) END AS acted
  FROM pr_counting WHERE counter_kind = 1
),
pr_units_day AS (
  SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, CASE WHEN units_before + units <= counter_max THEN 0 WHEN whole_line THEN units ELSE LEAST(units, units_before + units - counter_max) END AS acted
  FROM (
    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY rule_no, counter_no, patient_id, service_date, provider_id ORDER BY claim_seq, line_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS units_before
    FROM pr_counting WHERE counter_kind = 2 AND NOT whole_line
  ) pr_u
),
pr_day_claims AS (
  SELECT rule_no, counter_no, counter_max, patient_id, provider_id, service_date, claim_seq,
    SUM(units) AS claim_units, SUM(CASE WHEN lifted THEN units ELSE 0 END) AS lifted_units
  FROM pr_counting WHERE counter_kind = 2 AND whole_line
  GROUP BY rule_no, counter_no, counter_max, patient_id, provider_id, service_date, claim_seq
),
pr_day_allowed AS (
  SELECT rule_no, counter_no, patient_id, provider_id, service_date, claim_seq,
    CASE WHEN COALESCE(list_reduce(earlier, lambda acc, x: struct_pack(u := acc.u + CASE WHEN acc.u + x.u > x.m THEN x.lu ELSE x.u END, lu := CAST(0 AS BIGINT), m := CAST(0 AS BIGINT)), struct_pack(u := CAST(0 AS BIGINT), lu := CAST(0 AS BIGINT), m := CAST(0 AS BIGINT))).u, 0) + claim_units > counter_max THEN 1 ELSE 0 END AS passes
  FROM (
    SELECT *, list(struct_pack(u := CAST(claim_units AS BIGINT), lu := CAST(lifted_units AS BIGINT), m := CAST(counter_max AS BIGINT))) OVER (PARTITION BY rule_no, counter_no, patient_id, service_date, provider_id ORDER BY claim_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
    FROM pr_day_claims
  ) pr_e
),
pr_units_day_whole AS (
  SELECT c.rule_no, c.counters, c.claim_seq, c.line_seq, c.lifted, c.in_effect, CASE WHEN a.passes = 1 THEN c.units ELSE 0 END AS acted
  FROM pr_counting c
  JOIN pr_day_allowed a ON c.rule_no = a.rule_no AND c.counter_no = a.counter_no AND c.patient_id = a.patient_id AND c.service_date = a.service_date AND c.claim_seq = a.claim_seq AND c.provider_id IS NOT DISTINCT FROM a.provider_id
  WHERE c.counter_kind = 2 AND c.whole_line
),
pr_units_claim AS (
  SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, CASE WHEN whole_line THEN CASE WHEN claim_units > counter_max THEN units ELSE 0 END ELSE CASE WHEN units_before + units <= counter_max THEN 0 WHEN whole_line THEN units ELSE LEAST(units, units_before + units - counter_max) END END AS acted
  FROM (
    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq ORDER BY line_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS units_before,
      SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq) AS claim_units
    FROM pr_counting WHERE counter_kind = 3
  ) pr_u
),
pr_day_codes AS (
  SELECT rule_no, counter_no, patient_id, service_date, provider_id, COUNT(DISTINCT code) AS day_codes
  FROM pr_counting WHERE counter_kind = 4
  GROUP BY rule_no, counter_no, patient_id, service_date, provider_id
),
pr_codes AS (
  SELECT c.rule_no, c.counters, c.claim_seq, c.line_seq, c.lifted, c.in_effect, CASE WHEN g.day_codes > c.counter_max THEN c.units ELSE 0 END AS acted
  FROM pr_counting c
  JOIN pr_day_codes g ON c.rule_no = g.rule_no AND c.counter_no = g.counter_no AND c.patient_id = g.patient_id AND c.service_date = g.service_date AND c.provider_id IS NOT DISTINCT FROM g.provider_id
  WHERE c.counter_kind = 4
),
pr_visit_dates AS (
  SELECT DISTINCT rule_no, counter_no, counter_kind, visit_days, patient_id, service_date, day_number, service_year
  FROM pr_counting WHERE counter_kind IN (5, 6)
),
pr_visit_earlier AS (
  SELECT v.rule_no, v.counter_no, v.patient_id, v.service_date, COUNT(*) AS earlier_visits
  FROM pr_visit_dates v
  JOIN pr_visit_dates e ON e.rule_no = v.rule_no AND e.counter_no = v.counter_no AND e.patient_id = v.patient_id AND e.service_year = v.service_year
  WHERE v.counter_kind = 5 AND e.day_number < v.day_number
  GROUP BY v.rule_no, v.counter_no, v.patient_id, v.service_date
  UNION ALL
  SELECT v.rule_no, v.counter_no, v.patient_id, v.service_date, COUNT(*) AS earlier_visits
  FROM pr_visit_dates v
  JOIN pr_visit_dates e ON e.rule_no = v.rule_no AND e.counter_no = v.counter_no AND e.patient_id = v.patient_id
  WHERE v.counter_kind = 6 AND e.day_number < v.day_number AND e.day_number > v.day_number - v.visit_days
  GROUP BY v.rule_no, v.counter_no, v.patient_id, v.service_date
),
pr_visits AS (
  SELECT v.rule_no, v.counter_no, v.counter_kind, v.visit_days, v.patient_id, v.service_date, COALESCE(x.earlier_visits, 0) AS earlier_visits
  FROM pr_visit_dates v
  LEFT JOIN pr_visit_earlier x ON x.rule_no = v.rule_no AND x.counter_no = v.counter_no AND x.patient_id = v.patient_id AND x.service_date = v.service_date
),
pr_visit_lines AS (
  SELECT c.rule_no, c.counters, c.claim_seq, c.line_seq, c.lifted, c.in_effect, CASE WHEN v.earlier_visits >= c.counter_max THEN c.units ELSE 0 END AS acted
  FROM pr_counting c
  JOIN pr_visits v ON c.rule_no = v.rule_no AND c.counter_no = v.counter_no AND c.patient_id = v.patient_id AND c.service_date = v.service_date
  WHERE c.counter_kind IN (5, 6)
),
pr_timed_lines AS (
  SELECT * FROM pr_hits_2 WHERE form = 'timed' AND set_no = 0 AND in_effect AND minutes IS NOT NULL
),
pr_late AS (
  SELECT rule_no, claim_seq, line_seq, CAST(units - (CASE WHEN minutes < half_unit THEN 0 ELSE FLOOR((minutes - half_unit) / per_unit) + 1 END) AS BIGINT) AS units
  FROM pr_timed_lines
  WHERE timed_method = 'per-code' AND units - (CASE WHEN minutes < half_unit THEN 0 ELSE FLOOR((minutes - half_unit) / per_unit) + 1 END) > 0
),
pr_timed AS (
  SELECT rule_no, CAST(per_unit AS DOUBLE) AS per_unit, CAST(half_unit AS DOUBLE) AS half_unit,
    claim_seq, line_seq, patient_id, provider_id, service_date, CASE WHEN modifiers IS NULL THEN NULL ELSE list_filter(modifiers, lambda pr_m: pr_m IN ('GP', 'GO', 'GN'))[1] END AS discipline, units, minutes
  FROM pr_timed_lines
  WHERE timed_method = 'total'
),
pr_timed_days AS (
  SELECT
    *,
    SUM(minutes) OVER (PARTITION BY rule_no, patient_id, service_date, provider_id, discipline) AS day_minutes,
    SUM(units) OVER (PARTITION BY rule_no, patient_id, service_date, provider_id, discipline) AS day_units,
    COALESCE(SUM(units) OVER (PARTITION BY rule_no, patient_id, service_date, provider_id, discipline ORDER BY minutes, claim_seq DESC, line_seq DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS taken_before
  FROM pr_timed
),
pr_findings AS (
  SELECT rule_no, claim_seq, line_seq, units FROM pr_judged
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(acted AS BIGINT) AS units
  FROM (
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_line
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_day
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_day_whole
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_claim
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_codes
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_visit_lines
  ) pr_a
  WHERE counters = 1 AND acted > 0 AND NOT lifted AND in_effect
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(MIN(acted) AS BIGINT) AS units
  FROM (
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_line
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_day
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_day_whole
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_units_claim
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_codes
    UNION ALL
    SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, acted FROM pr_visit_lines
  ) pr_a
  WHERE counters > 1
  GROUP BY rule_no, claim_seq, line_seq
  HAVING MIN(acted) > 0 AND MAX(CASE WHEN lifted THEN 1 ELSE 0 END) = 0 AND MIN(CASE WHEN in_effect THEN 1 ELSE 0 END) = 1
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, units FROM pr_late
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(LEAST(units, day_units - (CASE WHEN day_minutes < half_unit THEN 0 ELSE FLOOR((day_minutes - half_unit) / per_unit) + 1 END) - taken_before) AS BIGINT) AS units
  FROM pr_timed_days
  WHERE units > 0 AND day_units - (CASE WHEN day_minutes < half_unit THEN 0 ELSE FLOOR((day_minutes - half_unit) / per_unit) + 1 END) - taken_before > 0
),
pr_rule_info AS (
  SELECT rule_no, policy, rule_id, action, reason, CASE WHEN remarks IS NULL OR remarks = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(remarks, ',') END AS remarks, message,
    CASE WHEN action IN ('deny', 'timed') THEN 1 ELSE 0 END AS takes, CASE WHEN action = 'review' THEN 1 ELSE 0 END AS reviews
  FROM pr_rules
),
pr_line_findings AS (
  SELECT
    f.claim_seq AS lf_claim_seq,
    f.line_seq AS lf_line_seq,
    MAX(CASE WHEN i.takes = 1 THEN f.units ELSE 0 END) AS lf_taken,
    MAX(i.takes) AS lf_takes,
    MAX(i.reviews) AS lf_reviews,
    list_transform(list_sort(list(struct_pack(pr_order := f.rule_no, policy := i.policy, rule := i.rule_id, action := i.action, reason := i.reason, remarks := i.remarks, units := f.units, message := i.message))), lambda pr_f: struct_pack(policy := pr_f.policy, rule := pr_f.rule, action := pr_f.action, reason := pr_f.reason, remarks := pr_f.remarks, units := pr_f.units, message := pr_f.message)) AS lf_findings
  FROM pr_findings f
  JOIN pr_rule_info i ON i.rule_no = f.rule_no
  GROUP BY f.claim_seq, f.line_seq
)
SELECT
  claim_seq AS claim_seq,
  claim_id AS claim_id,
  line_seq AS line_seq,
  line_number AS line_number,
  code AS code,
  units AS billed_units,
  GREATEST(units - COALESCE(lf_taken, 0), 0) AS allowed_units,
  CASE WHEN lf_takes = 1 AND GREATEST(units - COALESCE(lf_taken, 0), 0) = 0 THEN 'denied' WHEN lf_reviews = 1 THEN 'review' WHEN GREATEST(units - COALESCE(lf_taken, 0), 0) < units THEN 'reduced' ELSE 'paid' END AS status,
  COALESCE(lf_findings, CAST([] AS STRUCT(policy VARCHAR, rule VARCHAR, action VARCHAR, reason VARCHAR, remarks VARCHAR[], units BIGINT, message VARCHAR)[])) AS findings
FROM pr_lines
LEFT JOIN pr_line_findings ON lf_claim_seq = claim_seq AND lf_line_seq = line_seq
ORDER BY claim_seq, line_seq;
