package dev.metaorch.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.metaorch.util.Refusal;

/**
 * Serializes writers of one data folder: a {@link ReentrantLock} per lock file for the threads of this
 * JVM (file locks are held per JVM, so two threads would otherwise both "own" it) and an exclusive
 * {@link FileLock} for other processes. A process that dies loses its file lock with it, so a crashed
 * writer never blocks the others.
 */
public final class DataLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private DataLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits up to {@code timeoutMs} for the lock; a clear {@link Refusal} when it stays busy. */
    public static DataLock acquire(Path lockFile, long timeoutMs) {
        try (var w = dev.metaorch.util.Waits.enter("the data folder lock " + lockFile.getFileName())) {
            return acquireNow(lockFile, timeoutMs);
        }
    }

    private static DataLock acquireNow(Path lockFile, long timeoutMs) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = LOCAL.computeIfAbsent(key, k -> new ReentrantLock());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            if (!local.tryLock(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw busy(key);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted while waiting for the data folder lock");
        }
        FileChannel ch = null;
        try {
            Files.createDirectories(key.getParent());
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long sleep = 1;
            while (true) {
                FileLock l = ch.tryLock();
                if (l != null) {
                    return new DataLock(local, ch, l);
                }
                if (System.nanoTime() > deadline) {
                    throw busy(key);
                }
                Thread.sleep(sleep);
                sleep = Math.min(20, sleep * 2);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            local.unlock();
            throw new Refusal("cannot lock the data folder (" + key + "): " + e.getMessage());
        } catch (InterruptedException e) {
            closeQuietly(ch);
            local.unlock();
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted while waiting for the data folder lock");
        } catch (RuntimeException e) {
            closeQuietly(ch);
            local.unlock();
            throw e;
        }
    }

    private static Refusal busy(Path key) {
        return new Refusal("the data folder is busy: another writer holds " + key + "; try again");
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing releases the lock anyway
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it
        } finally {
            closeQuietly(channel);
            local.unlock();
        }
    }
}
