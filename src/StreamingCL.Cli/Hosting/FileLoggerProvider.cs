using System.Globalization;
using Microsoft.Extensions.Logging;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// Log lines appended to a file: where the workers log while a live view owns the terminal.
/// One writer, serialised; lines are flushed as written so the file can be followed. Lines logged
/// after disposal (threads still stopping) are dropped.
/// </summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private bool _disposed;

    private FileLoggerProvider(StreamWriter writer) => _writer = writer;

    /// <summary>Opens <paramref name="path"/> for appending; a path that cannot be written is bad input for <paramref name="option"/>.</summary>
    public static FileLoggerProvider Open(string path, string option)
    {
        try
        {
            return new FileLoggerProvider(new StreamWriter(path, append: true) { AutoFlush = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: cannot write {path}: {e.Message}");
        }
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {level,-11} {category}: {message}");
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _writer.WriteLine(line);
            if (exception is not null)
            {
                _writer.WriteLine(exception);
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Write(category, logLevel, formatter(state, exception), exception);
    }
}
