# A golden test of job.json's query: run it with `dirk test tests` from this folder.
# Input rows go to the job's table; 'watermark <time>' moves event time on. The expected output is the
# changelog (+I inserts; -U/+U updates) that the query emits; `dirk test tests --update` rewrites it.
job ../job.json
---- input rides
{"ride_id": "a", "city": "jakarta", "fare": 12.5, "event_time": "2026-01-01T09:00:05Z"}
{"ride_id": "b", "city": "jakarta", "fare": 15, "event_time": "2026-01-01T09:00:30Z"}
{"ride_id": "c", "city": "jakarta", "fare": 8, "event_time": "2026-01-01T09:00:50Z"}
watermark 2026-01-01 09:01:00
{"ride_id": "d", "city": "bandung", "fare": 55, "event_time": "2026-01-01T09:01:10Z"}
---- output unordered
+I[jakarta, mid, 2, 27.5, 2026-01-01 09:01:00]
+I[jakarta, low, 1, 8.0, 2026-01-01 09:01:00]
+I[bandung, high, 1, 55.0, 2026-01-01 09:02:00]
