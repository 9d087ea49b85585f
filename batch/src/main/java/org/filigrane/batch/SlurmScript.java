package org.filigrane.batch;

import java.nio.file.Path;
import java.util.List;

/**
 * A SLURM job-array script for a sharded batch: task {@code i} of the array runs the same command with
 * {@code --shard i/N}. Every task journals its own shard, so a task that dies is finished by resubmitting that one
 * array index ({@code sbatch --array=i script}); tasks share only the ledger (a multi-writer store).
 *
 * @param tasks       N, the array size and shard count
 * @param cpusPerTask {@code --cpus-per-task}
 * @param memory      {@code --mem} (e.g. 4G), or null
 * @param time        {@code --time} (e.g. 02:00:00), or null
 * @param partition   {@code --partition}, or null
 * @param jobName     {@code --job-name}
 * @param logDir      where the tasks' output goes ({@code filigrane-<job>_<task>.out})
 */
public record SlurmScript(int tasks, int cpusPerTask, String memory, String time, String partition, String jobName,
        Path logDir) {
    public SlurmScript {
        if (tasks < 1 || cpusPerTask < 1) {
            throw new IllegalArgumentException("a job array needs at least 1 task of at least 1 CPU");
        }
    }

    /**
     * The script: {@code command} (the program and its arguments, without {@code --shard}) run from {@code workDir}
     * with {@code --shard $SLURM_ARRAY_TASK_ID/N} appended.
     */
    public String render(Path workDir, List<String> command) {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("# Written by 'filigrane batch --slurm': one shard of the archive per array task.\n");
        sb.append("# A failed or killed task is finished by resubmitting its index: sbatch --array=I THIS_SCRIPT\n");
        sb.append("#SBATCH --job-name=").append(jobName).append('\n');
        sb.append("#SBATCH --array=0-").append(tasks - 1).append('\n');
        sb.append("#SBATCH --ntasks=1\n");
        sb.append("#SBATCH --cpus-per-task=").append(cpusPerTask).append('\n');
        if (memory != null) {
            sb.append("#SBATCH --mem=").append(memory).append('\n');
        }
        if (time != null) {
            sb.append("#SBATCH --time=").append(time).append('\n');
        }
        if (partition != null) {
            sb.append("#SBATCH --partition=").append(partition).append('\n');
        }
        sb.append("#SBATCH --output=").append(logDir.toAbsolutePath().normalize()).append("/filigrane-%A_%a.out\n");
        sb.append("set -euo pipefail\n");
        sb.append("cd ").append(quote(workDir.toAbsolutePath().normalize().toString())).append('\n');
        sb.append("exec");
        for (String c : command) {
            sb.append(' ').append(quote(c));
        }
        sb.append(" --shard \"${SLURM_ARRAY_TASK_ID}/").append(tasks).append("\"\n");
        return sb.toString();
    }

    /** Single-quoted for bash. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
