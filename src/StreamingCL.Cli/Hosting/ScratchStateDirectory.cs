using StreamingCL.Processors;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// The state directory of workers on an embedded cluster. That cluster dies with the process, so
/// local state left by an earlier run describes changelogs that no longer exist (perhaps in an
/// older state format) and would be read as current: each run gets its own directory under the
/// configured one, deleted when the run ends.
/// </summary>
internal sealed class ScratchStateDirectory : IDisposable
{
    private readonly string _path;

    /// <summary>Points <paramref name="processors"/> at a new directory under its <see cref="ProcessorsOptions.StateDirectory"/>.</summary>
    public ScratchStateDirectory(ProcessorsOptions processors)
    {
        _path = Path.Combine(processors.StateDirectory, $"embedded-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_path);
        processors.StateDirectory = _path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A store file still held open: the directory is unique to this run, so leaving it is harmless.
        }
    }
}
