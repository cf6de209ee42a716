-- A sortie lands after it takes off, and the telemetry received never holds more points
-- than the platform says it uploaded.
select flight_id, takeoff_at, landing_at, flight_hours, point_count, track_point_count
from {{ ref('fct_drone_flights') }}
where flight_hours is null
    or flight_hours <= 0
    or track_point_count > coalesce(point_count, 0)
