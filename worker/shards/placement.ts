// Where a new site goes: the shard with the fewest sites (ties: the lowest
// number). Sites are the unit a shard holds and moves; a shard that fills up
// regardless (one very busy site) is relieved by moving sites off it
// (POST /v1/admin/sites/:id/move).
import { sitesPerShard } from "../store/shards";
import { allShards, directory, type ShardBindings } from "./shards";

export async function leastLoadedShard(env: ShardBindings): Promise<number> {
  const counts = new Map((await sitesPerShard(directory(env)).all<{ shard: number; n: number }>()).results.map((r) => [r.shard, r.n]));
  let best = 0;
  const n = allShards(env).length;
  for (let i = 1; i < n; i++) if ((counts.get(i) ?? 0) < (counts.get(best) ?? 0)) best = i;
  return best;
}
