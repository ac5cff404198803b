namespace StreamingCL.Tests.Shared;

/// <summary>Paths inside the repository, found from the test binaries (shared by the test projects).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Schema(string eventName) => Path.Combine(Root, "schemas", $"{eventName}.avsc");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StreamingCL.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("StreamingCL.sln not found above the test binaries.");
    }
}
