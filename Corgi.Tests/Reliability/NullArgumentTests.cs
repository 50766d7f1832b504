using System;
using System.Collections.Generic;
using System.Reflection;
using Xunit;

namespace Corgi.Tests.Reliability;

/// <summary>
/// Every public method of <see cref="Tensor"/> whose parameters are non-nullable references gets null in each of
/// them in turn (the others filled with small valid values) and must throw <see cref="ArgumentNullException"/>
/// naming a parameter, never a NullReferenceException from inside. Parameters annotated nullable (a bias
/// <c>Tensor?</c>) accept null and are skipped. Found by reflection, so a new op is covered when it is added.
/// </summary>
public class NullArgumentTests
{
    private static readonly NullabilityInfoContext s_nullability = new();

    /// <summary>(method, index of the parameter given null).</summary>
    public static IEnumerable<object[]> Calls()
    {
        var methods = typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly);
        foreach (var m in methods)
        {
            if (m.IsSpecialName || m.ContainsGenericParameters) continue; // operators, properties and generic methods
            var ps = m.GetParameters();
            if (!AllFillable(ps)) continue;
            for (int i = 0; i < ps.Length; i++)
            {
                var p = ps[i];
                if (p.ParameterType.IsValueType) continue;
                if (s_nullability.Create(p).WriteState == NullabilityState.Nullable) continue;
                yield return new object[] { m.DeclaringType!.Name + "." + m.Name + "(" + Describe(ps) + ")", m.MetadataToken, i };
            }
        }
    }

    private static string Describe(ParameterInfo[] ps)
    {
        var names = new string[ps.Length];
        for (int i = 0; i < ps.Length; i++) names[i] = ps[i].ParameterType.Name;
        return string.Join(", ", names);
    }

    private static bool AllFillable(ParameterInfo[] ps)
    {
        foreach (var p in ps)
            if (Fill(p.ParameterType) is null && !IsNullableValue(p.ParameterType)) return false;
        return true;
    }

    private static bool IsNullableValue(Type t) => Nullable.GetUnderlyingType(t) is not null;

    // small valid values: a 2x2 tensor, a shape, a dimension 0, and so on
    private static object? Fill(Type t)
    {
        if (t == typeof(Tensor)) return Tensor.Of(1.0, 2.0, 3.0, 4.0).Reshape(2, 2);
        if (t == typeof(Tensor[])) return new[] { Tensor.Of(1.0, 2.0), Tensor.Of(3.0, 4.0) };
        if (t == typeof(int[])) return new[] { 0 };
        if (t == typeof(double[])) return new[] { 1.0 };
        if (t == typeof(float[])) return new[] { 1f };
        if (t == typeof(int)) return 1;
        if (t == typeof(double)) return 0.5;
        if (t == typeof(float)) return 0.5f;
        if (t == typeof(bool)) return false;
        if (t == typeof(string)) return "i->i";
        if (t == typeof(DType)) return DType.Float64;
        if (t == typeof(Random)) return new Random(1);
        if (t == typeof(double[,])) return new double[,] { { 1 } };
        if (t == typeof(double[,,])) return new double[,,] { { { 1 } } };
        if (t == typeof(double[][])) return new[] { new[] { 1.0 } };
        return null;
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public void NullArgument_ThrowsArgumentNullException(string method, int token, int nullIndex)
    {
        MethodBase m = typeof(Tensor).Module.ResolveMethod(token)!;
        var ps = m.GetParameters();
        var args = new object?[ps.Length];
        for (int i = 0; i < ps.Length; i++)
            args[i] = i == nullIndex ? null : Fill(ps[i].ParameterType) ?? (ps[i].HasDefaultValue ? ps[i].DefaultValue : null);
        object? target = m.IsStatic ? null : Tensor.Of(1.0, 2.0, 3.0, 4.0).Reshape(2, 2);
        Exception? e = null;
        try { m.Invoke(target, args); }
        catch (TargetInvocationException t) { e = t.InnerException; }
        Assert.True(e is ArgumentNullException, $"{method} with null for '{ps[nullIndex].Name}': expected ArgumentNullException, got {(e is null ? "no exception" : e.GetType().Name + ": " + e.Message)}");
    }

    [Fact]
    public void TheTableCoversTheTensorApi()
    {
        int n = 0;
        foreach (var _ in Calls()) n++;
        Assert.True(n >= 50, $"{n} calls");
    }
}
