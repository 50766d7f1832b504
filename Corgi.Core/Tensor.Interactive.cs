using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Corgi;

// F# Interactive shows tensors with no set-up: when Corgi.Core is loaded inside `dotnet fsi`, this file
// registers a printer for Tensor on FSI's session object, as `fsi.AddPrinter` would.
//
// Why a printer, and why registered from here (see docs/fsharp.md, "Printing"):
// - Without a printer FSI lays a tensor out as one text leaf (its ToString) and does not know the text
//   holds line breaks: a matrix's second row is aligned for a first row starting at column 0, and for an
//   evaluated expression FSI adds a dump of the public properties (`{At = ?; Count = 4; ... T = ...}`,
//   which computes a transpose).
// - A printer added with AddPrinter is consulted before that property dump, for `let` bindings and
//   expressions alike, and a printer the user adds later wins over this one (FSI tries the most recent
//   first). [StructuredFormatDisplay] would need FSharp.Core in the core and could not be overridden.
// - FSI still lays the printer's text out as one leaf, so the column a multi-line text starts at is not
//   known to the printer. Format therefore gives one line when it is short, and otherwise the rows on
//   separate lines shifted by the 2 columns of FSI's indent: a text that long never fits after
//   "val x: Tensor = ", so FSI always moves it to its own line at column 2 (see Format).
// - The place that is certain to run is this module initializer: the runtime runs it before any code
//   of Corgi.Core, so before any tensor exists, whatever the script calls first (the F# wrapper, or
//   `Corgi.Tensor` directly). F# has no module initializers, and the initialization of an F# file runs
//   only when one of its values is first read, which opening a namespace never does.
// - Outside FSI (an application, a test host) the FSI settings assembly is not loaded and this does
//   nothing; any failure is swallowed, since a module initializer that throws would make Corgi.Core
//   unusable.

/// <summary>Registers and computes what F# Interactive shows for a tensor.</summary>
internal static class InteractivePrinter
{
    /// <summary>The assembly of FSI's session object <c>fsi</c> (loaded by <c>dotnet fsi</c> at start-up).</summary>
    internal const string SettingsAssemblyName = "FSharp.Compiler.Interactive.Settings";

    /// <summary>FSI's default <c>fsi.PrintWidth</c>, used if the session's cannot be read.</summary>
    internal const int DefaultPrintWidth = 78;

    /// <summary>The columns FSI indents a value it moves to the line after <c>val x: T =</c>.</summary>
    internal const int ValueIndent = 2;

    // The shortest text FSI writes before a value on its line, "val x: T = " (11 columns), plus one:
    // a tensor printed on several lines is always longer than PrintWidth - this, so never fits after it.
    private const int ShortestPrefix = 12;

    /// <summary>Runs once when Corgi.Core is loaded: inside F# Interactive, adds the tensor printer.</summary>
#pragma warning disable CA2255 // ModuleInitializer in a library: deliberate, it is the one hook certain to run before any tensor exists (see above)
    [ModuleInitializer]
    internal static void RegisterWithFsi()
#pragma warning restore CA2255
    {
        try
        {
            TryRegister();
        }
        catch (Exception)
        {
            // Printing is a convenience: never let it break loading the library.
        }
    }

    /// <summary>
    /// Adds the tensor printer to the running F# Interactive session, by reflection (Corgi.Core does not
    /// reference F#): <c>fsi.AddPrinter&lt;Tensor&gt;(FSharpFunc.FromConverter(Format))</c>.
    /// </summary>
    /// <returns>Whether a session was found and the printer added.</returns>
    internal static bool TryRegister()
    {
        Assembly? settings = null;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (assembly.GetName().Name == SettingsAssemblyName) { settings = assembly; break; }
        // FSharp.Compiler.Interactive.Settings.fsi, the object scripts call `fsi`
        var fsi = settings?.GetType("FSharp.Compiler.Interactive.Settings")
            ?.GetProperty("fsi", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        if (fsi is null) return false;
        var sessionType = fsi.GetType();
        var addPrinter = sessionType.GetMethod("AddPrinter", BindingFlags.Public | BindingFlags.Instance);
        if (addPrinter is null || !addPrinter.IsGenericMethodDefinition) return false;
        addPrinter = addPrinter.MakeGenericMethod(typeof(Tensor));
        var parameters = addPrinter.GetParameters();
        if (parameters.Length != 1) return false;
        // FSharpFunc<Tensor, string>, from the FSharp.Core the session uses
        var fromConverter = parameters[0].ParameterType.GetMethod(
            "FromConverter", BindingFlags.Public | BindingFlags.Static, new[] { typeof(Converter<Tensor, string>) });
        if (fromConverter is null) return false;
        var printWidth = sessionType.GetProperty("PrintWidth", BindingFlags.Public | BindingFlags.Instance);
        var printer = new Converter<Tensor, string>(t =>
            Format(t, printWidth?.GetValue(fsi) is int width ? width : DefaultPrintWidth));
        addPrinter.Invoke(fsi, new[] { fromConverter.Invoke(null, new object[] { printer }) });
        return true;
    }

    /// <summary>
    /// The tensor's PyTorch-like <see cref="Tensor.ToString"/> laid out for F# Interactive: unchanged when it
    /// is one line; its rows joined on one line (<c>tensor([[1., 2.], [3., 4.]])</c>) when that fits in
    /// <paramref name="printWidth"/> - 12 columns, or always when <paramref name="printWidth"/> is 0 (FSI's
    /// "no line breaking"); otherwise one row per line, shifted right by FSI's indent of 2.
    /// </summary>
    /// <remarks>
    /// FSI measures the text as one leaf of its layout. The several-line text is longer than the joined one,
    /// so longer than <paramref name="printWidth"/> - 12, and with at least "val x: T = " before it does not
    /// fit: FSI then starts it on the next line at column 2, which is where the shifted rows line up.
    /// </remarks>
    internal static string Format(Tensor tensor, int printWidth)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var text = tensor.ToString();
        if (text.IndexOf('\n') < 0) return text;
        var oneLine = JoinLines(text);
        if (printWidth <= 0 || oneLine.Length <= printWidth - ShortestPrefix) return oneLine;
        return IndentContinuationLines(text, ValueIndent);
    }

    // ToString ends every line but the last with ',' (after a row or "..."): the newlines and the
    // indentation after it become one space, giving "[1., 2.], [3., 4.]".
    private static string JoinLines(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') { sb.Append(text[i]); continue; }
            while (i + 1 < text.Length && (text[i + 1] == '\n' || text[i + 1] == ' ')) i++;
            sb.Append(' ');
        }
        return sb.ToString();
    }

    // Blank lines (between the blocks of a rank-3 tensor) stay empty rather than gain trailing spaces.
    private static string IndentContinuationLines(string text, int indent)
    {
        var sb = new StringBuilder(text.Length + 16 * indent);
        for (int i = 0; i < text.Length; i++)
        {
            sb.Append(text[i]);
            if (text[i] == '\n' && i + 1 < text.Length && text[i + 1] != '\n') sb.Append(' ', indent);
        }
        return sb.ToString();
    }
}
