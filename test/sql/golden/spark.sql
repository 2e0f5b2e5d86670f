-- Payrule rule packs compiled to Spark SQL (docs/sql.md).
-- Reads claim_lines: one row per claim line. Returns one row per claim line:
-- claim_seq, claim_id, line_seq, line_number, code, billed_units, allowed_units, status, findings.
-- Rules: the rule tables pr_rules, pr_pair_rules, pr_pair_modifiers, pr_policy_payers
-- (payrule sql --tables writes them; docs/sql.md). Pair edits are their rows; each other rule
-- (21 here) is a SELECT below, named by its rule_no in pr_rules.
WITH
pr_lines AS (
  SELECT
    src.claim_seq AS claim_seq,
    src.claim_id AS claim_id,
    src.patient_id AS patient_id,
    lower(trim(regexp_replace(src.payer, ('[' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || '    -     　﻿]+'), ' '))) AS payer_key,
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
    src.diagnosis_pointers AS diagnosis_pointers,
    unix_date(CAST(src.service_date AS DATE)) AS day_number,
    year(CAST(src.service_date AS DATE)) AS service_year,
    CASE WHEN src.modifiers IS NULL THEN NULL ELSE try_element_at(filter(src.modifiers, pr_m -> pr_m IN ('GP', 'GO', 'GN')), 1) END AS discipline
  FROM claim_lines src
),
pr_partners_1 AS (
  SELECT claim_seq AS pp_claim, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE ((code BETWEEN '98940' AND '98943' AND length(code) = 5 AND code RLIKE '^[0-9]{5}')) AND payer_key IS NULL
  GROUP BY claim_seq
),
pr_partners_2 AS (
  SELECT claim_seq AS pp_claim, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE ((code BETWEEN '98940' AND '98943' AND length(code) = 5 AND code RLIKE '^[0-9]{5}')) AND payer_key IS NULL AND COALESCE(arrays_overlap(modifiers, array('59')), FALSE)
  GROUP BY claim_seq
),
pr_partners_3 AS (
  SELECT patient_id AS pp_patient, service_date AS pp_date, provider_id AS pp_provider, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE ((code = '97140' OR (code BETWEEN '97110' AND '97124' AND length(code) = 5 AND code RLIKE '^[0-9]{5}') OR (code BETWEEN '97530' AND '97542' AND length(code) = 5 AND code RLIKE '^[0-9]{5}'))) AND payer_key IS NULL
  GROUP BY patient_id, service_date, provider_id
),
pr_partners_4 AS (
  SELECT claim_seq AS pp_claim, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE (code = '97110') AND payer_key IS NULL
  GROUP BY claim_seq
),
pr_pair_candidates AS (
  SELECT r.rule_no, s.claim_seq, s.line_seq, s.units, s.modifiers AS own_modifiers, p.modifiers AS partner_modifiers
  FROM pr_lines s
  JOIN pr_pair_rules r ON r.subject_code = s.code AND r.scope = 'day'
  JOIN pr_lines p ON p.code = r.partner_code AND p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq)
    AND (r.effective_from IS NULL OR s.service_date >= r.effective_from) AND (r.effective_to IS NULL OR s.service_date <= r.effective_to)
    AND (s.payer_key IS NULL OR EXISTS (SELECT 1 FROM pr_policy_payers y WHERE y.policy_no = r.policy_no AND y.payer_key = s.payer_key)) AND (p.payer_key IS NULL OR EXISTS (SELECT 1 FROM pr_policy_payers y WHERE y.policy_no = r.policy_no AND y.payer_key = p.payer_key))
  UNION ALL
  SELECT r.rule_no, s.claim_seq, s.line_seq, s.units, s.modifiers AS own_modifiers, p.modifiers AS partner_modifiers
  FROM pr_lines s
  JOIN pr_pair_rules r ON r.subject_code = s.code AND r.scope = 'claim'
  JOIN pr_lines p ON p.code = r.partner_code AND p.claim_seq = s.claim_seq
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq)
    AND (r.effective_from IS NULL OR s.service_date >= r.effective_from) AND (r.effective_to IS NULL OR s.service_date <= r.effective_to)
    AND (s.payer_key IS NULL OR EXISTS (SELECT 1 FROM pr_policy_payers y WHERE y.policy_no = r.policy_no AND y.payer_key = s.payer_key)) AND (p.payer_key IS NULL OR EXISTS (SELECT 1 FROM pr_policy_payers y WHERE y.policy_no = r.policy_no AND y.payer_key = p.payer_key))
),
pr_pair_lifted AS (
  SELECT DISTINCT c.rule_no, c.claim_seq, c.line_seq
  FROM pr_pair_candidates c
  JOIN pr_pair_modifiers m ON m.rule_no = c.rule_no
  WHERE array_contains(c.own_modifiers, m.modifier) OR (m.either_line AND array_contains(c.partner_modifiers, m.modifier))
),
pr_pair_findings AS (
  SELECT c.rule_no, CASE WHEN i.action = 'deny' THEN 1 ELSE 0 END AS withdraws, c.claim_seq, c.line_seq, MAX(c.units) AS units
  FROM pr_pair_candidates c
  JOIN pr_rules i ON i.rule_no = c.rule_no
  WHERE NOT EXISTS (SELECT 1 FROM pr_pair_lifted l WHERE l.rule_no = c.rule_no AND l.claim_seq = c.claim_seq AND l.line_seq = c.line_seq)
  GROUP BY c.rule_no, i.action, c.claim_seq, c.line_seq
),
pr_judged AS (
  -- 2. all_forms/WITH-CLAIM-EITHER
  SELECT 2 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_1 pp_1 ON pp_1.pp_claim = claim_seq
  LEFT JOIN pr_partners_2 pp_2 ON pp_2.pp_claim = claim_seq
  WHERE (code = '97112' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_1.pp_lines, 0) - CASE WHEN ((code BETWEEN '98940' AND '98943' AND length(code) = 5 AND code RLIKE '^[0-9]{5}')) AND payer_key IS NULL THEN 1 ELSE 0 END) > 0)
    AND NOT ((COALESCE(arrays_overlap(modifiers, array('59')), FALSE)) OR ((COALESCE(pp_2.pp_lines, 0) - CASE WHEN ((code BETWEEN '98940' AND '98943' AND length(code) = 5 AND code RLIKE '^[0-9]{5}')) AND payer_key IS NULL AND COALESCE(arrays_overlap(modifiers, array('59')), FALSE) THEN 1 ELSE 0 END) > 0))
  UNION ALL
  -- 3. all_forms/WITHOUT-DAY
  SELECT 3 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_3 pp_3 ON pp_3.pp_patient = patient_id AND pp_3.pp_date = service_date AND pp_3.pp_provider IS NOT DISTINCT FROM provider_id
  WHERE (code = '97010' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_3.pp_lines, 0) - CASE WHEN ((code = '97140' OR (code BETWEEN '97110' AND '97124' AND length(code) = 5 AND code RLIKE '^[0-9]{5}') OR (code BETWEEN '97530' AND '97542' AND length(code) = 5 AND code RLIKE '^[0-9]{5}'))) AND payer_key IS NULL THEN 1 ELSE 0 END) = 0)
  UNION ALL
  -- 4. all_forms/WITHOUT-CLAIM
  SELECT 4 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_4 pp_4 ON pp_4.pp_claim = claim_seq
  WHERE (code = '97012' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_4.pp_lines, 0) - CASE WHEN (code = '97110') AND payer_key IS NULL THEN 1 ELSE 0 END) = 0)
  UNION ALL
  -- 11. all_forms/WHEN-PROVIDER
  SELECT 11 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND (provider_type IS NOT NULL AND provider_type IN ('massage-therapist'))
    AND NOT ((COALESCE(arrays_overlap(modifiers, array('U7')), FALSE)))
  UNION ALL
  -- 12. all_forms/WHEN-DIAG-ONLY
  SELECT 12 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND (COALESCE(size(filter(transform(CASE WHEN diagnosis_pointers IS NULL OR size(diagnosis_pointers) = 0 THEN diagnoses ELSE transform(diagnosis_pointers, pr_p -> CASE WHEN pr_p >= 1 AND pr_p <= size(diagnoses) THEN try_element_at(diagnoses, pr_p) END) END, pr_d -> upper(trim(replace(pr_d, '.', '')))), pr_x -> pr_x IS NOT NULL)), 0) > 0 AND COALESCE(size(filter(transform(CASE WHEN diagnosis_pointers IS NULL OR size(diagnosis_pointers) = 0 THEN diagnoses ELSE transform(diagnosis_pointers, pr_p -> CASE WHEN pr_p >= 1 AND pr_p <= size(diagnoses) THEN try_element_at(diagnoses, pr_p) END) END, pr_d -> upper(trim(replace(pr_d, '.', '')))), pr_x -> pr_x IS NOT NULL AND NOT (pr_x IN ('R52') OR substr(pr_x, 1, 3) = 'R52'))), 0) = 0)
  UNION ALL
  -- 13. all_forms/UNLESS-DIAG
  SELECT 13 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND NOT ((COALESCE(size(filter(transform(CASE WHEN diagnosis_pointers IS NULL OR size(diagnosis_pointers) = 0 THEN diagnoses ELSE transform(diagnosis_pointers, pr_p -> CASE WHEN pr_p >= 1 AND pr_p <= size(diagnoses) THEN try_element_at(diagnoses, pr_p) END) END, pr_d -> upper(trim(replace(pr_d, '.', '')))), pr_x -> pr_x IN ('M545', 'I972') OR substr(pr_x, 1, 4) = 'M255' OR substr(pr_x, 1, 1) = 'S')), 0) > 0))
  UNION ALL
  -- 14. all_forms/UNLESS-PROVIDER
  SELECT 14 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97140' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND NOT ((provider_type IS NOT NULL AND provider_type IN ('physical-therapist', 'occupational-therapist', 'chiropractor')))
  UNION ALL
  -- 15. all_forms/REQ-MODIFIER
  SELECT 15 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE ((code BETWEEN '98940' AND '98942' AND length(code) = 5 AND code RLIKE '^[0-9]{5}') AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND NOT ((COALESCE(arrays_overlap(modifiers, array('AT')), FALSE)))
  UNION ALL
  -- 18. all_forms/UNCONDITIONAL
  SELECT 18 AS rule_no, 1 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97039' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 22. another_policy/FLAG-ALL
  SELECT 22 AS rule_no, 0 AS withdraws, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND payer_key IS NULL)
  UNION ALL
  -- pair edits: the rows of the rule tables
  SELECT rule_no, withdraws, claim_seq, line_seq, units FROM pr_pair_findings
),
pr_live AS (
  SELECT *
  FROM pr_lines l
  WHERE NOT EXISTS (SELECT 1 FROM pr_judged j WHERE j.withdraws = 1 AND j.claim_seq = l.claim_seq AND j.line_seq = l.line_seq)
),
pr_partners_5 AS (
  SELECT patient_id AS pp_patient, service_date AS pp_date, provider_id AS pp_provider, COUNT(*) AS pp_lines
  FROM pr_live
  WHERE (code = '97116') AND payer_key IS NULL
  GROUP BY patient_id, service_date, provider_id
),
pr_late AS (
  -- 17. all_forms/TIMED-PER-CODE
  SELECT 17 AS rule_no, claim_seq, line_seq, CAST(units - (CASE WHEN minutes < 8 THEN 0 ELSE FLOOR((minutes - 8) / 15) + 1 END) AS BIGINT) AS units
  FROM pr_live
  WHERE (code = '97150' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AND minutes IS NOT NULL AND units - (CASE WHEN minutes < 8 THEN 0 ELSE FLOOR((minutes - 8) / 15) + 1 END) > 0
),
pr_counting AS (
  -- 5. all_forms/UNITS-LINE
  SELECT 5 AS rule_no, 1 AS counters, 1 AS counter_no, 1 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_live
  WHERE (code = '97530' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 6. all_forms/UNITS-DAY
  SELECT 6 AS rule_no, 1 AS counters, 1 AS counter_no, 2 AS counter_kind, CAST(4 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_live
  WHERE (code = '97124' AND payer_key IS NULL AND service_date >= DATE '2025-03-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 7. all_forms/UNITS-CLAIM-WHOLE
  SELECT 7 AS rule_no, 1 AS counters, 1 AS counter_no, 3 AS counter_kind, CAST(6 AS BIGINT) AS counter_max, TRUE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_live
  WHERE (code = '97535' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 8. all_forms/CODES-DAY
  SELECT 8 AS rule_no, 1 AS counters, 1 AS counter_no, 4 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_live
  WHERE ((code BETWEEN '97010' AND '97028' AND length(code) = 5 AND code RLIKE '^[0-9]{5}') AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 9. all_forms/VISITS-YEAR
  SELECT 9 AS rule_no, 1 AS counters, 1 AS counter_no, 5 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, (service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AS in_effect
  FROM pr_live
  WHERE (code = '97124' AND payer_key IS NULL)
  UNION ALL
  -- 10. all_forms/VISITS-DAYS
  SELECT 10 AS rule_no, 1 AS counters, 1 AS counter_no, 6 AS counter_kind, CAST(1 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(30 AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, (service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AS in_effect
  FROM pr_live
  WHERE (code = '97110' AND payer_key IS NULL)
  UNION ALL
  -- 19. all_forms/COMBINED
  SELECT 19 AS rule_no, 1 AS counters, 1 AS counter_no, 2 AS counter_kind, CAST(1 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, (COALESCE(arrays_overlap(modifiers, array('59')), FALSE)) OR (COALESCE(size(filter(transform(CASE WHEN diagnosis_pointers IS NULL OR size(diagnosis_pointers) = 0 THEN diagnoses ELSE transform(diagnosis_pointers, pr_p -> CASE WHEN pr_p >= 1 AND pr_p <= size(diagnoses) THEN try_element_at(diagnoses, pr_p) END) END, pr_d -> upper(trim(replace(pr_d, '.', '')))), pr_x -> substr(pr_x, 1, 4) = 'M628')), 0) > 0) AS lifted, TRUE AS in_effect
  FROM pr_live
  LEFT JOIN pr_partners_5 pp_5 ON pp_5.pp_patient = patient_id AND pp_5.pp_date = service_date AND pp_5.pp_provider IS NOT DISTINCT FROM provider_id
  WHERE (code = '97113' AND payer_key IS NULL AND service_date >= DATE '2025-02-01' AND service_date <= DATE '2025-06-30')
    AND ((COALESCE(pp_5.pp_lines, 0) - CASE WHEN (code = '97116') AND payer_key IS NULL THEN 1 ELSE 0 END) > 0)
    AND (provider_type IS NOT NULL AND provider_type IN ('physical-therapist-assistant'))
  UNION ALL
  -- 20. all_forms/TWO-COUNTERS
  SELECT 20 AS rule_no, 2 AS counters, 1 AS counter_no, 1 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_live
  WHERE (code = '97150' AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 20. all_forms/TWO-COUNTERS
  SELECT 20 AS rule_no, 2 AS counters, 2 AS counter_no, 6 AS counter_kind, CAST(1 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(7 AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, provider_id, service_date, code, units, day_number, service_year, FALSE AS lifted, (service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AS in_effect
  FROM pr_live
  WHERE (code = '97150' AND payer_key IS NULL)
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
    CASE WHEN COALESCE(aggregate(earlier, CAST(0 AS BIGINT), (acc, x) -> acc + CASE WHEN acc + x.u > x.m THEN x.lu ELSE x.u END), 0) + claim_units > counter_max THEN 1 ELSE 0 END AS passes
  FROM (
    SELECT *, collect_list(named_struct('u', CAST(claim_units AS BIGINT), 'lu', CAST(lifted_units AS BIGINT), 'm', CAST(counter_max AS BIGINT))) OVER (PARTITION BY rule_no, counter_no, patient_id, service_date, provider_id ORDER BY claim_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
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
pr_visits AS (
  SELECT rule_no, counter_no, counter_kind, visit_days, patient_id, service_date, COALESCE(CASE
      WHEN counter_kind = 5 THEN COUNT(*) OVER (PARTITION BY rule_no, counter_no, patient_id, service_year ORDER BY day_number RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
      WHEN visit_days = 7 THEN COUNT(*) OVER (PARTITION BY rule_no, counter_no, patient_id ORDER BY day_number RANGE BETWEEN 6 PRECEDING AND 1 PRECEDING)
      WHEN visit_days = 30 THEN COUNT(*) OVER (PARTITION BY rule_no, counter_no, patient_id ORDER BY day_number RANGE BETWEEN 29 PRECEDING AND 1 PRECEDING)
    END, 0) AS earlier_visits
  FROM pr_visit_dates
),
pr_visit_lines AS (
  SELECT c.rule_no, c.counters, c.claim_seq, c.line_seq, c.lifted, c.in_effect, CASE WHEN v.earlier_visits >= c.counter_max THEN c.units ELSE 0 END AS acted
  FROM pr_counting c
  JOIN pr_visits v ON c.rule_no = v.rule_no AND c.counter_no = v.counter_no AND c.patient_id = v.patient_id AND c.service_date = v.service_date
  WHERE c.counter_kind IN (5, 6)
),
pr_timed AS (
  -- 16. all_forms/TIMED
  SELECT 16 AS rule_no, CAST(15 AS DOUBLE) AS per_unit, CAST(8 AS DOUBLE) AS half_unit,
    claim_seq, line_seq, patient_id, provider_id, service_date, discipline, units, minutes
  FROM pr_live
  WHERE ((code IN ('0213T', '3008F', '97140') OR (code BETWEEN '97110' AND '97124' AND length(code) = 5 AND code RLIKE '^[0-9]{5}') OR (code BETWEEN '97530' AND '97542' AND length(code) = 5 AND code RLIKE '^[0-9]{5}') OR (code BETWEEN 'G0283' AND 'G0290' AND length(code) = 5 AND code RLIKE '^[A-Z][0-9]{4}')) AND payer_key IS NULL AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AND minutes IS NOT NULL
  UNION ALL
  -- 21. another_policy/TIMED-TEN
  SELECT 21 AS rule_no, CAST(10 AS DOUBLE) AS per_unit, CAST(5 AS DOUBLE) AS half_unit,
    claim_seq, line_seq, patient_id, provider_id, service_date, discipline, units, minutes
  FROM pr_live
  WHERE (code = '97124' AND payer_key IS NULL) AND minutes IS NOT NULL
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
  SELECT rule_no, claim_seq, line_seq, units FROM pr_late
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(acted AS BIGINT) AS units
  FROM (
    SELECT * FROM pr_units_line
    UNION ALL
    SELECT * FROM pr_units_day
    UNION ALL
    SELECT * FROM pr_units_day_whole
    UNION ALL
    SELECT * FROM pr_units_claim
    UNION ALL
    SELECT * FROM pr_codes
    UNION ALL
    SELECT * FROM pr_visit_lines
  ) pr_a
  WHERE counters = 1 AND acted > 0 AND NOT lifted AND in_effect
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(MIN(acted) AS BIGINT) AS units
  FROM (
    SELECT * FROM pr_units_line
    UNION ALL
    SELECT * FROM pr_units_day
    UNION ALL
    SELECT * FROM pr_units_day_whole
    UNION ALL
    SELECT * FROM pr_units_claim
    UNION ALL
    SELECT * FROM pr_codes
    UNION ALL
    SELECT * FROM pr_visit_lines
  ) pr_a
  WHERE counters > 1
  GROUP BY rule_no, claim_seq, line_seq
  HAVING MIN(acted) > 0 AND MAX(CASE WHEN lifted THEN 1 ELSE 0 END) = 0 AND MIN(CASE WHEN in_effect THEN 1 ELSE 0 END) = 1
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(LEAST(units, day_units - (CASE WHEN day_minutes < half_unit THEN 0 ELSE FLOOR((day_minutes - half_unit) / per_unit) + 1 END) - taken_before) AS BIGINT) AS units
  FROM pr_timed_days
  WHERE units > 0 AND day_units - (CASE WHEN day_minutes < half_unit THEN 0 ELSE FLOOR((day_minutes - half_unit) / per_unit) + 1 END) - taken_before > 0
),
pr_rule_info AS (
  SELECT rule_no, policy, rule_id, action, reason, CASE WHEN remarks IS NULL OR remarks = '' THEN CAST(array() AS ARRAY<STRING>) ELSE split(remarks, ',') END AS remarks, message,
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
    transform(array_sort(collect_list(named_struct('pr_order', f.rule_no, 'policy', i.policy, 'rule', i.rule_id, 'action', i.action, 'reason', i.reason, 'remarks', i.remarks, 'units', f.units, 'message', i.message))), pr_f -> named_struct('policy', pr_f.policy, 'rule', pr_f.rule, 'action', pr_f.action, 'reason', pr_f.reason, 'remarks', pr_f.remarks, 'units', pr_f.units, 'message', pr_f.message)) AS lf_findings
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
  COALESCE(lf_findings, CAST(array() AS ARRAY<STRUCT<policy: STRING, rule: STRING, action: STRING, reason: STRING, remarks: ARRAY<STRING>, units: BIGINT, message: STRING>>)) AS findings
FROM pr_lines
LEFT JOIN pr_line_findings ON lf_claim_seq = claim_seq AND lf_line_seq = line_seq
ORDER BY claim_seq, line_seq;
