-- Routing partitions (engine/router/partitions.ts): events whose routing must keep stored order
-- (one rule's key, one waiting run's signals) share a partition, and a router routes a
-- partition's events only while it holds that partition's advisory lock. NULL: no order needed
-- (and every event stored before this migration: those route as before).
ALTER TABLE events ADD COLUMN route_partition smallint;
