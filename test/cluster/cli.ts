// npm run cluster -- up [--nodes N] [--cpu Q] [--memory Q] [--arch A] | down | status | build
//
// The local control plane for developers (see the README's "Local control plane"). The state directory is
// RETOOL_CHART_CLUSTER_STATE, else <cache>/state; the build cache RETOOL_CHART_CLUSTER_CACHE, else
// ~/.cache/retool-chart/cluster. `up` prints KUBECONFIG=<path> on its last line.

import { ensureBinaries } from './build.js';
import { clusterStatus, DEFAULT_NODES, defaultStateDir, startCluster, stopCluster, type NodeShape } from './control-plane.js';

const USAGE = `usage: npm run cluster -- <command>

  up [--nodes N] [--cpu Q] [--memory Q] [--arch A]
                 build the binaries if needed, start the control plane (default ${DEFAULT_NODES.count} nodes of
                 ${DEFAULT_NODES.cpu} CPU / ${DEFAULT_NODES.memory}, ${DEFAULT_NODES.arch}); last line: KUBECONFIG=<path>
  down           stop every process it started (by PID), delete its network namespace and state
  status         each component's PID and health, the Ready nodes
  build          only build (or find) the binaries; prints their directory`;

function parseNodes(args: string[]): Partial<NodeShape> {
  const nodes: Partial<NodeShape> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Usage(`${flag} needs a value`);
    if (flag === '--nodes') {
      if (!/^[1-9]\d*$/.test(value)) throw new Usage(`--nodes takes a positive whole number, not ${JSON.stringify(value)}`);
      nodes.count = Number(value);
    } else if (flag === '--cpu') {
      if (!/^\d+(\.\d+)?m?$/.test(value)) throw new Usage(`--cpu takes a CPU quantity such as 8 or 7500m, not ${JSON.stringify(value)}`);
      nodes.cpu = value;
    } else if (flag === '--memory') {
      if (!/^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(value)) throw new Usage(`--memory takes a memory quantity such as 16Gi, not ${JSON.stringify(value)}`);
      nodes.memory = value;
    } else if (flag === '--arch') {
      if (!/^[a-z0-9]+$/.test(value)) throw new Usage(`--arch takes an architecture such as amd64 or arm64, not ${JSON.stringify(value)}`);
      nodes.arch = value;
    } else throw new Usage(`unknown option ${flag}`);
    i++;
  }
  return nodes;
}

class Usage extends Error {}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const stateDir = defaultStateDir();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  switch (command) {
    case 'up': {
      const nodes = parseNodes(rest);
      const state = startCluster({ stateDir, nodes, log });
      if (state.alreadyUp) log(`already up (state in ${stateDir}; started ${state.startedAt}); \`npm run cluster -- down\` stops it`);
      else log(`started in ${state.startSeconds} s; state and logs in ${stateDir}; \`npm run cluster -- down\` stops it`);
      for (const c of state.components) log(`  ${c.name.padEnd(24)} pid ${c.pid}`);
      process.stdout.write(`KUBECONFIG=${state.kubeconfig}\n`);
      return 0;
    }
    case 'down': {
      if (rest.length) throw new Usage('down takes no options');
      log(stopCluster(stateDir, log) ? `stopped; removed ${stateDir}` : `nothing recorded in ${stateDir}; nothing to stop`);
      return 0;
    }
    case 'status': {
      if (rest.length) throw new Usage('status takes no options');
      const status = clusterStatus(stateDir);
      if (!status.state) {
        process.stdout.write(`down: ${status.problems.join('; ')}\n`);
        return 1;
      }
      for (const c of status.components) process.stdout.write(`${c.name.padEnd(24)} pid ${String(c.pid).padEnd(8)} ${c.health}\n`);
      if (status.readyNodes !== undefined) process.stdout.write(`nodes                    ${status.readyNodes} of ${status.state.nodes.count} Ready (${status.state.nodes.cpu} CPU / ${status.state.nodes.memory}, ${status.state.nodes.arch})\n`);
      for (const p of status.problems) process.stdout.write(`problem: ${p}\n`);
      process.stdout.write(status.up ? `up\nKUBECONFIG=${status.state.kubeconfig}\n` : 'not up: `npm run cluster -- down`, then `up`\n');
      return status.up ? 0 : 1;
    }
    case 'build': {
      if (rest.length) throw new Usage('build takes no options');
      const build = ensureBinaries(log);
      log(build.seconds ? `built in ${build.seconds.toFixed(0)} s` : 'cached: nothing built');
      process.stdout.write(`${build.bin}\n`);
      return 0;
    }
    case '-h':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new Usage(command ? `unknown command ${command}` : 'a command is needed');
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof Usage) {
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`cluster: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
