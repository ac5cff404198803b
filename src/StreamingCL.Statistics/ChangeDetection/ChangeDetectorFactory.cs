using System.Globalization;
using System.Reflection;
using System.Text;

namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// Builds change detectors from a name and River-style parameters, e.g. <c>adwin</c> with
/// <c>delta=0.01, clock=16</c>, for configuration files and the command line.
/// </summary>
/// <remarks>
/// Each parameter name is the snake_case form of a detector constructor parameter, which is also
/// River's name for it (<c>max_buckets</c>, <c>lambda_val</c>, <c>two_sided_test</c>, <c>stat_size</c>...). The
/// constructors are thus the single source of names, defaults and valid ranges: an omitted parameter
/// takes the constructor's default, which is River's.
/// </remarks>
public static class ChangeDetectorFactory
{
    private const string None = "none";

    private static readonly (string Name, ConstructorInfo Constructor)[] Detectors =
    [
        ("adwin", ConstructorOf<Adwin>()),
        ("ddm", ConstructorOf<Ddm>()),
        ("eddm", ConstructorOf<Eddm>()),
        ("hddm-a", ConstructorOf<HddmA>()),
        ("hddm-w", ConstructorOf<HddmW>()),
        ("kswin", ConstructorOf<Kswin>()),
        ("page-hinkley", ConstructorOf<PageHinkley>()),
    ];

    /// <summary>The detector names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> DetectorNames { get; } = Array.ConvertAll(Detectors, detector => detector.Name);

    /// <summary>Creates the detector called <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">One of <see cref="DetectorNames"/>.</param>
    /// <param name="parameters">
    /// River parameter names and their values in invariant culture: numbers, <c>true</c>/<c>false</c>,
    /// <c>none</c> for an optional one such as <c>seed</c>, or for <c>mode</c> one of <c>up</c>, <c>down</c>, <c>both</c>.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The detector or a parameter is unknown, or a value is malformed or out of range; the message names it.
    /// </exception>
    public static IChangeDetector Create(string name, IReadOnlyDictionary<string, string>? parameters = null)
    {
        parameters ??= new Dictionary<string, string>();
        var (detectorName, constructor) = Find(name);
        var constructorParameters = constructor.GetParameters();
        var riverNames = Array.ConvertAll(constructorParameters, parameter => ToSnakeCase(parameter.Name!));

        foreach (var key in parameters.Keys)
        {
            if (Array.IndexOf(riverNames, key) < 0)
            {
                throw new ArgumentException(
                    $"Unknown parameter '{key}' for change detector '{detectorName}'; its parameters are: {string.Join(", ", riverNames)}.");
            }
        }

        var arguments = new object?[constructorParameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var type = constructorParameters[i].ParameterType;
            if (!parameters.TryGetValue(riverNames[i], out var text))
            {
                arguments[i] = constructorParameters[i].DefaultValue;
            }
            else if (!TryParse(text, type, out arguments[i]))
            {
                throw InvalidValue(detectorName, riverNames[i], text, Expectation(type));
            }
        }

        try
        {
            return (IChangeDetector)constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        }
        catch (ArgumentOutOfRangeException exception) when (exception.Data[ParameterGuard.RequirementKey] is string requirement)
        {
            var riverName = ToSnakeCase(exception.ParamName!);
            var text = parameters.TryGetValue(riverName, out var given) ? given : Convert.ToString(exception.ActualValue, CultureInfo.InvariantCulture);
            throw InvalidValue(detectorName, riverName, text, requirement, exception);
        }
    }

    /// <summary>
    /// The parameters of the detector called <paramref name="name"/> with the values <see cref="Create"/>
    /// would use: <paramref name="given"/> ones as given, the others at their defaults (River's).
    /// </summary>
    /// <exception cref="ArgumentException">The detector is unknown.</exception>
    public static IReadOnlyDictionary<string, string> Parameters(string name, IReadOnlyDictionary<string, string>? given = null)
    {
        var (_, constructor) = Find(name);
        return constructor.GetParameters().ToDictionary(
            parameter => ToSnakeCase(parameter.Name!),
            parameter => given?.GetValueOrDefault(ToSnakeCase(parameter.Name!)) ?? Format(parameter.DefaultValue));
    }

    private static (string Name, ConstructorInfo Constructor) Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = Array.FindIndex(Detectors, detector => string.Equals(detector.Name, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? Detectors[index]
            : throw new ArgumentException($"Unknown change detector '{name}'; known detectors: {string.Join(", ", DetectorNames)}.");
    }

    private static ConstructorInfo ConstructorOf<T>() where T : IChangeDetector => typeof(T).GetConstructors().Single();

    private static bool TryParse(string text, Type type, out object? value)
    {
        // An optional parameter (River's `seed: int | None`) takes River's spelling of no value.
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            if (string.Equals(text, None, StringComparison.OrdinalIgnoreCase))
            {
                value = null;
                return true;
            }

            type = underlying;
        }

        value = type switch
        {
            _ when type == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null,
            _ when type == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) ? integer : null,
            _ when type == typeof(bool) => bool.TryParse(text, out var flag) ? flag : null,
            // By name only: Enum.TryParse would also take numbers.
            { IsEnum: true } => Array.Find(Enum.GetNames(type), member => string.Equals(member, text, StringComparison.OrdinalIgnoreCase)) is { } member
                ? Enum.Parse(type, member)
                : null,
            _ => throw new NotSupportedException($"No parser for constructor parameters of type {type}."),
        };
        return value is not null;
    }

    private static string Expectation(Type type) => Nullable.GetUnderlyingType(type) is { } underlying
        ? $"{Expectation(underlying)} or {None}"
        : type switch
        {
            _ when type == typeof(double) => "expected a number",
            _ when type == typeof(int) => "expected an integer",
            _ when type == typeof(bool) => "expected true or false",
            _ => $"expected one of {string.Join(", ", Enum.GetNames(type)).ToLowerInvariant()}",
        };

    private static string Format(object? value) => value is null ? None : Convert.ToString(value, CultureInfo.InvariantCulture)!.ToLowerInvariant();

    private static ArgumentException InvalidValue(string detector, string parameter, string? text, string problem, Exception? inner = null) =>
        new($"Invalid value '{text}' for parameter '{parameter}' of change detector '{detector}': {problem}.", inner);

    private static string ToSnakeCase(string camelCase)
    {
        var snake = new StringBuilder(camelCase.Length + 4);
        foreach (var c in camelCase)
        {
            if (char.IsUpper(c))
            {
                snake.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                snake.Append(c);
            }
        }

        return snake.ToString();
    }
}
