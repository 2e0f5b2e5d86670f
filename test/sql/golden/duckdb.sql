-- Payrule rule packs compiled to DuckDB SQL (docs/sql.md).
-- Reads claim_lines: one row per claim line. Returns one row per claim line:
-- claim_seq, claim_id, line_seq, line_number, code, billed_units, allowed_units, status, findings.
-- Packs:
--   all_forms sha256 2392ff61226f977e4d15cee52adbcaff772c88c18f1e5f3503545a5b595f0c0a
--   another_policy sha256 5f578aeda1f162b631a09e0ea424af8efcf6507200f2524b964d25949adf273a
-- Rules, in finding order (rule_no):
--   1. all_forms/WITH-DAY (deny)
--   2. all_forms/WITH-CLAIM-EITHER (deny)
--   3. all_forms/WITHOUT-DAY (deny)
--   4. all_forms/WITHOUT-CLAIM (deny)
--   5. all_forms/UNITS-LINE (deny)
--   6. all_forms/UNITS-DAY (deny)
--   7. all_forms/UNITS-CLAIM-WHOLE (deny)
--   8. all_forms/CODES-DAY (review)
--   9. all_forms/VISITS-YEAR (review)
--   10. all_forms/VISITS-DAYS (flag)
--   11. all_forms/WHEN-PROVIDER (deny)
--   12. all_forms/WHEN-DIAG-ONLY (deny)
--   13. all_forms/UNLESS-DIAG (deny)
--   14. all_forms/UNLESS-PROVIDER (deny)
--   15. all_forms/REQ-MODIFIER (deny)
--   16. all_forms/TIMED (timed)
--   17. all_forms/TIMED-PER-CODE (timed)
--   18. all_forms/UNCONDITIONAL (deny)
--   19. all_forms/COMBINED (review)
--   20. all_forms/TWO-COUNTERS (deny)
--   21. another_policy/TIMED-TEN (timed)
--   22. another_policy/FLAG-ALL (flag)
WITH
pr_lines AS NOT MATERIALIZED (
  SELECT
    src.claim_seq AS claim_seq,
    src.claim_id AS claim_id,
    src.patient_id AS patient_id,
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
    date_diff('day', DATE '1970-01-01', CAST(src.service_date AS DATE)) AS day_number,
    year(CAST(src.service_date AS DATE)) AS service_year
  FROM claim_lines src
),
pr_partners_1 AS (
  SELECT patient_id AS pp_patient, service_date AS pp_date, provider_id AS pp_provider, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE code = '97140'
  GROUP BY patient_id, service_date, provider_id
),
pr_partners_2 AS (
  SELECT claim_seq AS pp_claim, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE (code BETWEEN '98940' AND '98943' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}'))
  GROUP BY claim_seq
),
pr_partners_3 AS (
  SELECT claim_seq AS pp_claim, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE ((code BETWEEN '98940' AND '98943' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}'))) AND COALESCE(list_has_any(modifiers, ['59']), FALSE)
  GROUP BY claim_seq
),
pr_partners_4 AS (
  SELECT patient_id AS pp_patient, service_date AS pp_date, provider_id AS pp_provider, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE (code = '97140' OR (code BETWEEN '97110' AND '97124' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) OR (code BETWEEN '97530' AND '97542' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')))
  GROUP BY patient_id, service_date, provider_id
),
pr_partners_5 AS (
  SELECT claim_seq AS pp_claim, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE code = '97110'
  GROUP BY claim_seq
),
pr_partners_6 AS (
  SELECT patient_id AS pp_patient, service_date AS pp_date, provider_id AS pp_provider, COUNT(*) AS pp_lines
  FROM pr_lines
  WHERE code = '97116'
  GROUP BY patient_id, service_date, provider_id
),
pr_judged AS (
  -- 1. all_forms/WITH-DAY
  SELECT 1 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_1 pp_1 ON pp_1.pp_patient = patient_id AND pp_1.pp_date = service_date AND pp_1.pp_provider IS NOT DISTINCT FROM provider_id
  WHERE (code = '97124' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_1.pp_lines, 0) - CASE WHEN code = '97140' THEN 1 ELSE 0 END) > 0)
    AND NOT ((COALESCE(list_has_any(modifiers, ['59', 'XE', 'XS', 'XP', 'XU']), FALSE)))
  UNION ALL
  -- 2. all_forms/WITH-CLAIM-EITHER
  SELECT 2 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_2 pp_2 ON pp_2.pp_claim = claim_seq
  LEFT JOIN pr_partners_3 pp_3 ON pp_3.pp_claim = claim_seq
  WHERE (code = '97112' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_2.pp_lines, 0) - CASE WHEN (code BETWEEN '98940' AND '98943' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) THEN 1 ELSE 0 END) > 0)
    AND NOT ((COALESCE(list_has_any(modifiers, ['59']), FALSE)) OR ((COALESCE(pp_3.pp_lines, 0) - CASE WHEN ((code BETWEEN '98940' AND '98943' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}'))) AND COALESCE(list_has_any(modifiers, ['59']), FALSE) THEN 1 ELSE 0 END) > 0))
  UNION ALL
  -- 3. all_forms/WITHOUT-DAY
  SELECT 3 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_4 pp_4 ON pp_4.pp_patient = patient_id AND pp_4.pp_date = service_date AND pp_4.pp_provider IS NOT DISTINCT FROM provider_id
  WHERE (code = '97010' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_4.pp_lines, 0) - CASE WHEN (code = '97140' OR (code BETWEEN '97110' AND '97124' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) OR (code BETWEEN '97530' AND '97542' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}'))) THEN 1 ELSE 0 END) = 0)
  UNION ALL
  -- 4. all_forms/WITHOUT-CLAIM
  SELECT 4 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  LEFT JOIN pr_partners_5 pp_5 ON pp_5.pp_claim = claim_seq
  WHERE (code = '97012' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND ((COALESCE(pp_5.pp_lines, 0) - CASE WHEN code = '97110' THEN 1 ELSE 0 END) = 0)
  UNION ALL
  -- 11. all_forms/WHEN-PROVIDER
  SELECT 11 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND (provider_type IS NOT NULL AND provider_type IN ('massage-therapist'))
    AND NOT ((COALESCE(list_has_any(modifiers, ['U7']), FALSE)))
  UNION ALL
  -- 12. all_forms/WHEN-DIAG-ONLY
  SELECT 12 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND (COALESCE(len(list_filter(list_transform(diagnoses, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL)), 0) > 0 AND COALESCE(len(list_filter(list_transform(diagnoses, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IS NOT NULL AND NOT (pr_x IN ('R52') OR substr(pr_x, 1, 3) = 'R52'))), 0) = 0)
  UNION ALL
  -- 13. all_forms/UNLESS-DIAG
  SELECT 13 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND NOT ((COALESCE(len(list_filter(list_transform(CASE WHEN diagnosis_pointers IS NULL OR len(diagnosis_pointers) = 0 THEN diagnoses ELSE list_transform(diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(diagnoses) THEN diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: pr_x IN ('M545', 'I972') OR substr(pr_x, 1, 4) = 'M255' OR substr(pr_x, 1, 1) = 'S')), 0) > 0))
  UNION ALL
  -- 14. all_forms/UNLESS-PROVIDER
  SELECT 14 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97140' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND NOT ((provider_type IS NOT NULL AND provider_type IN ('physical-therapist', 'occupational-therapist', 'chiropractor')))
  UNION ALL
  -- 15. all_forms/REQ-MODIFIER
  SELECT 15 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE ((code BETWEEN '98940' AND '98942' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
    AND NOT ((COALESCE(list_has_any(modifiers, ['AT']), FALSE)))
  UNION ALL
  -- 17. all_forms/TIMED-PER-CODE
  SELECT 17 AS rule_no, claim_seq, line_seq, CAST(units - (CASE WHEN minutes < 8 THEN 0 ELSE CAST(FLOOR((minutes - 8) / 15) AS BIGINT) + 1 END) AS BIGINT) AS units
  FROM pr_lines
  WHERE (code = '97150' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AND minutes IS NOT NULL AND units - (CASE WHEN minutes < 8 THEN 0 ELSE CAST(FLOOR((minutes - 8) / 15) AS BIGINT) + 1 END) > 0
  UNION ALL
  -- 18. all_forms/UNCONDITIONAL
  SELECT 18 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97039' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 22. another_policy/FLAG-ALL
  SELECT 22 AS rule_no, claim_seq, line_seq, units
  FROM pr_lines
  WHERE (code = '97124')
),
pr_counting AS (
  -- 5. all_forms/UNITS-LINE
  SELECT 5 AS rule_no, 1 AS counters, 1 AS counter_no, 1 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_lines
  WHERE (code = '97530' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 6. all_forms/UNITS-DAY
  SELECT 6 AS rule_no, 1 AS counters, 1 AS counter_no, 2 AS counter_kind, CAST(4 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_lines
  WHERE (code = '97124' AND service_date >= DATE '2025-03-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 7. all_forms/UNITS-CLAIM-WHOLE
  SELECT 7 AS rule_no, 1 AS counters, 1 AS counter_no, 3 AS counter_kind, CAST(6 AS BIGINT) AS counter_max, TRUE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_lines
  WHERE (code = '97535' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 8. all_forms/CODES-DAY
  SELECT 8 AS rule_no, 1 AS counters, 1 AS counter_no, 4 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_lines
  WHERE ((code BETWEEN '97010' AND '97028' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 9. all_forms/VISITS-YEAR
  SELECT 9 AS rule_no, 1 AS counters, 1 AS counter_no, 5 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, (service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AS in_effect
  FROM pr_lines
  WHERE (code = '97124')
  UNION ALL
  -- 10. all_forms/VISITS-DAYS
  SELECT 10 AS rule_no, 1 AS counters, 1 AS counter_no, 6 AS counter_kind, CAST(1 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(30 AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, (service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AS in_effect
  FROM pr_lines
  WHERE (code = '97110')
  UNION ALL
  -- 19. all_forms/COMBINED
  SELECT 19 AS rule_no, 1 AS counters, 1 AS counter_no, 2 AS counter_kind, CAST(1 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, (COALESCE(list_has_any(modifiers, ['59']), FALSE)) OR (COALESCE(len(list_filter(list_transform(CASE WHEN diagnosis_pointers IS NULL OR len(diagnosis_pointers) = 0 THEN diagnoses ELSE list_transform(diagnosis_pointers, lambda pr_p: CASE WHEN pr_p >= 1 AND pr_p <= len(diagnoses) THEN diagnoses[pr_p] END) END, lambda pr_d: upper(trim(replace(pr_d, '.', '')))), lambda pr_x: substr(pr_x, 1, 4) = 'M628')), 0) > 0) AS lifted, TRUE AS in_effect
  FROM pr_lines
  LEFT JOIN pr_partners_6 pp_6 ON pp_6.pp_patient = patient_id AND pp_6.pp_date = service_date AND pp_6.pp_provider IS NOT DISTINCT FROM provider_id
  WHERE (code = '97113' AND service_date >= DATE '2025-02-01' AND service_date <= DATE '2025-06-30')
    AND ((COALESCE(pp_6.pp_lines, 0) - CASE WHEN code = '97116' THEN 1 ELSE 0 END) > 0)
    AND (provider_type IS NOT NULL AND provider_type IN ('physical-therapist-assistant'))
  UNION ALL
  -- 20. all_forms/TWO-COUNTERS
  SELECT 20 AS rule_no, 2 AS counters, 1 AS counter_no, 1 AS counter_kind, CAST(2 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(NULL AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, TRUE AS in_effect
  FROM pr_lines
  WHERE (code = '97150' AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31')
  UNION ALL
  -- 20. all_forms/TWO-COUNTERS
  SELECT 20 AS rule_no, 2 AS counters, 2 AS counter_no, 6 AS counter_kind, CAST(1 AS BIGINT) AS counter_max, FALSE AS whole_line, CAST(7 AS BIGINT) AS visit_days,
    claim_seq, line_seq, patient_id, service_date, code, units, day_number, service_year, FALSE AS lifted, (service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AS in_effect
  FROM pr_lines
  WHERE (code = '97150')
),
pr_units_line AS (
  SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, CASE WHEN 0 + units <= counter_max THEN 0 WHEN whole_line THEN units ELSE LEAST(units, 0 + units - counter_max) END AS acted
  FROM pr_counting WHERE counter_kind = 1
),
pr_units_day AS (
  SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, CASE WHEN units_before + units <= counter_max THEN 0 WHEN whole_line THEN units ELSE LEAST(units, units_before + units - counter_max) END AS acted
  FROM (
    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY rule_no, counter_no, patient_id, service_date ORDER BY claim_seq, line_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS units_before
    FROM pr_counting WHERE counter_kind = 2
  ) pr_u
),
pr_units_claim AS (
  SELECT rule_no, counters, claim_seq, line_seq, lifted, in_effect, CASE WHEN units_before + units <= counter_max THEN 0 WHEN whole_line THEN units ELSE LEAST(units, units_before + units - counter_max) END AS acted
  FROM (
    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq ORDER BY line_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS units_before
    FROM pr_counting WHERE counter_kind = 3
  ) pr_u
),
pr_day_codes AS (
  SELECT rule_no, counter_no, patient_id, service_date, COUNT(DISTINCT code) AS day_codes
  FROM pr_counting WHERE counter_kind = 4
  GROUP BY rule_no, counter_no, patient_id, service_date
),
pr_codes AS (
  SELECT c.rule_no, c.counters, c.claim_seq, c.line_seq, c.lifted, c.in_effect, CASE WHEN g.day_codes > c.counter_max THEN c.units ELSE 0 END AS acted
  FROM pr_counting c
  JOIN pr_day_codes g ON c.rule_no = g.rule_no AND c.counter_no = g.counter_no AND c.patient_id = g.patient_id AND c.service_date = g.service_date
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
  SELECT 16 AS rule_no, CAST(15 AS BIGINT) AS per_unit, CAST(8 AS BIGINT) AS half_unit,
    claim_seq, line_seq, patient_id, service_date, units, minutes
  FROM pr_lines
  WHERE ((code IN ('0213T', '3008F', '97140') OR (code BETWEEN '97110' AND '97124' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) OR (code BETWEEN '97530' AND '97542' AND length(code) = 5 AND regexp_matches(code, '^[0-9]{5}')) OR (code BETWEEN 'G0283' AND 'G0290' AND length(code) = 5 AND regexp_matches(code, '^[A-Z][0-9]{4}'))) AND service_date >= DATE '2025-01-01' AND service_date <= DATE '2025-12-31') AND minutes IS NOT NULL
  UNION ALL
  -- 21. another_policy/TIMED-TEN
  SELECT 21 AS rule_no, CAST(10 AS BIGINT) AS per_unit, CAST(5 AS BIGINT) AS half_unit,
    claim_seq, line_seq, patient_id, service_date, units, minutes
  FROM pr_lines
  WHERE (code = '97124') AND minutes IS NOT NULL
),
pr_timed_days AS (
  SELECT
    *,
    SUM(minutes) OVER (PARTITION BY rule_no, patient_id, service_date) AS day_minutes,
    SUM(units) OVER (PARTITION BY rule_no, patient_id, service_date) AS day_units,
    COALESCE(SUM(units) OVER (PARTITION BY rule_no, patient_id, service_date ORDER BY minutes, claim_seq DESC, line_seq DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS taken_before
  FROM pr_timed
),
pr_findings AS (
  SELECT rule_no, claim_seq, line_seq, units FROM pr_judged
  UNION ALL
  SELECT rule_no, claim_seq, line_seq, CAST(acted AS BIGINT) AS units
  FROM (
    SELECT * FROM pr_units_line
    UNION ALL
    SELECT * FROM pr_units_day
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
  SELECT rule_no, claim_seq, line_seq, CAST(LEAST(units, day_units - (CASE WHEN day_minutes < half_unit THEN 0 ELSE CAST(FLOOR((day_minutes - half_unit) / per_unit) AS BIGINT) + 1 END) - taken_before) AS BIGINT) AS units
  FROM pr_timed_days
  WHERE units > 0 AND day_units - (CASE WHEN day_minutes < half_unit THEN 0 ELSE CAST(FLOOR((day_minutes - half_unit) / per_unit) AS BIGINT) + 1 END) - taken_before > 0
),
pr_rule_info AS (
  SELECT * FROM (VALUES
    (1, 'all_forms', 'WITH-DAY', 'deny', 'CO-97', 'Massage with manual therapy', 1, 0),
    (2, 'all_forms', 'WITH-CLAIM-EITHER', 'deny', 'CO-236', 'With CMT on the claim', 1, 0),
    (3, 'all_forms', 'WITHOUT-DAY', 'deny', 'PR-96', 'Billed alone', 1, 0),
    (4, 'all_forms', 'WITHOUT-CLAIM', 'deny', 'CO-97', 'Alone on the claim', 1, 0),
    (5, 'all_forms', 'UNITS-LINE', 'deny', 'CO-151', 'Units per line', 1, 0),
    (6, 'all_forms', 'UNITS-DAY', 'deny', 'CO-97', 'Units per day', 1, 0),
    (7, 'all_forms', 'UNITS-CLAIM-WHOLE', 'deny', 'CO-97', 'Units per claim, whole line', 1, 0),
    (8, 'all_forms', 'CODES-DAY', 'review', 'CO-97', 'Two modalities a visit', 0, 1),
    (9, 'all_forms', 'VISITS-YEAR', 'review', 'CO-119', 'Visits per calendar year', 0, 1),
    (10, 'all_forms', 'VISITS-DAYS', 'flag', 'CO-97', 'Visits per 30 days', 0, 0),
    (11, 'all_forms', 'WHEN-PROVIDER', 'deny', 'CO-185', 'Massage therapists', 1, 0),
    (12, 'all_forms', 'WHEN-DIAG-ONLY', 'deny', 'CO-97', 'R52 alone', 1, 0),
    (13, 'all_forms', 'UNLESS-DIAG', 'deny', 'CO-11', 'Supporting diagnosis', 1, 0),
    (14, 'all_forms', 'UNLESS-PROVIDER', 'deny', 'CO-185', 'Eligible providers', 1, 0),
    (15, 'all_forms', 'REQ-MODIFIER', 'deny', 'CO-4', 'Modifier required', 1, 0),
    (16, 'all_forms', 'TIMED', 'timed', 'CO-151', 'Eight-minute rule', 1, 0),
    (17, 'all_forms', 'TIMED-PER-CODE', 'timed', 'CO-151', 'Per-code timing', 1, 0),
    (18, 'all_forms', 'UNCONDITIONAL', 'deny', 'PR-96', 'Not covered', 1, 0),
    (19, 'all_forms', 'COMBINED', 'review', 'OA-23', 'Conditions and exceptions together', 0, 1),
    (20, 'all_forms', 'TWO-COUNTERS', 'deny', 'CO-97', 'Units per line after a visit', 1, 0),
    (21, 'another_policy', 'TIMED-TEN', 'timed', 'CO-97', 'Ten-minute units', 1, 0),
    (22, 'another_policy', 'FLAG-ALL', 'flag', 'OA-23', 'Flag massage: it''s "audited"', 0, 0)
  ) AS pr_r(rule_no, policy, rule_id, action, reason, message, takes, reviews)
),
pr_line_findings AS (
  SELECT
    f.claim_seq AS lf_claim_seq,
    f.line_seq AS lf_line_seq,
    SUM(CASE WHEN i.takes = 1 THEN f.units ELSE 0 END) AS lf_taken,
    MAX(i.takes) AS lf_takes,
    MAX(i.reviews) AS lf_reviews,
    list_transform(list_sort(list(struct_pack(pr_order := f.rule_no, policy := i.policy, rule := i.rule_id, action := i.action, reason := i.reason, units := f.units, message := i.message))), lambda pr_f: struct_pack(policy := pr_f.policy, rule := pr_f.rule, action := pr_f.action, reason := pr_f.reason, units := pr_f.units, message := pr_f.message)) AS lf_findings
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
  COALESCE(lf_findings, CAST([] AS STRUCT(policy VARCHAR, rule VARCHAR, action VARCHAR, reason VARCHAR, units BIGINT, message VARCHAR)[])) AS findings
FROM pr_lines
LEFT JOIN pr_line_findings ON lf_claim_seq = claim_seq AND lf_line_seq = line_seq
ORDER BY claim_seq, line_seq;
