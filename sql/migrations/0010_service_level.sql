-- 0010: service_level, the DBA's view of the online public services'
-- performance per procedure, treasury and local day of receipt.
SET LOCAL ROLE treasury_owner;

CREATE VIEW treasury.service_level AS
SELECT d.procedure, d.treasury_code,
       (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
       count(*) AS received,
       count(*) FILTER (WHERE d.status = 'COMPLETED') AS completed,
       count(*) FILTER (WHERE d.status = 'COMPLETED' AND d.completed_at <= d.due_at) AS completed_on_time,
       count(*) FILTER (WHERE d.channel = 'ONLINE') AS online,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.completed_at - d.received_at) / 60)
           FILTER (WHERE d.status = 'COMPLETED') AS median_processing_minutes
FROM treasury.dossiers d
GROUP BY d.procedure, d.treasury_code, (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
COMMENT ON VIEW treasury.service_level IS 'Dossiers per procedure, treasury and day received (local date, Asia/Ho_Chi_Minh): how many were received, completed, completed on time (completed_at <= due_at), received online, and the median processing time. Counts add up over days; medians do not (Reports/ServiceLevel computes its own over the whole range).';
COMMENT ON COLUMN treasury.service_level.procedure IS 'One of the nine procedures.';
COMMENT ON COLUMN treasury.service_level.treasury_code IS 'Treasury handling the dossiers (NULL when not recorded).';
COMMENT ON COLUMN treasury.service_level.day IS 'Local date (Asia/Ho_Chi_Minh) of received_at.';
COMMENT ON COLUMN treasury.service_level.received IS 'Dossiers received that day.';
COMMENT ON COLUMN treasury.service_level.completed IS 'Of those, how many are COMPLETED (REJECTED and CANCELLED are not completions).';
COMMENT ON COLUMN treasury.service_level.completed_on_time IS 'Of the completed, how many completed at or before due_at.';
COMMENT ON COLUMN treasury.service_level.online IS 'Of those received, how many came through channel ONLINE.';
COMMENT ON COLUMN treasury.service_level.median_processing_minutes IS 'Median of completed_at - received_at in minutes over the COMPLETED ones (double precision; NULL when none).';

GRANT SELECT ON treasury.service_level TO treasury_app, treasury_readonly;
