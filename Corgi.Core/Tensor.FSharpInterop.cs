using System;

namespace Corgi;

// Members that F# (and functional-style callers) need beyond the instance API:
// - static Pow/Exp/Log/Sqrt/Abs/Tanh, which F#'s `**`, `exp`, `log`, `sqrt`, `abs` and `tanh` look up
//   as static members of the operand's type (statically resolved member constraints);
public sealed partial class Tensor
{
    /// <summary>Element-wise power with a scalar exponent, <c>x.Pow(exponent)</c>; F#'s <c>x ** 2.0</c> calls this.</summary>
    public static Tensor Pow(Tensor x, double exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Pow(exponent);
    }

    /// <summary>Element-wise power with a tensor exponent and broadcasting, <c>x.Pow(exponent)</c>; F#'s <c>x ** y</c> calls this.</summary>
    public static Tensor Pow(Tensor x, Tensor exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Pow(exponent);
    }

    /// <summary>Element-wise e^x, <c>x.Exp()</c>; F#'s <c>exp x</c> calls this.</summary>
    public static Tensor Exp(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Exp();
    }

    /// <summary>Element-wise natural logarithm, <c>x.Log()</c>; F#'s <c>log x</c> calls this.</summary>
    public static Tensor Log(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Log();
    }

    /// <summary>Element-wise square root, <c>x.Sqrt()</c>; F#'s <c>sqrt x</c> calls this.</summary>
    public static Tensor Sqrt(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sqrt();
    }

    /// <summary>Element-wise absolute value, <c>x.Abs()</c>; F#'s <c>abs x</c> calls this.</summary>
    public static Tensor Abs(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Abs();
    }

    /// <summary>Element-wise hyperbolic tangent, <c>x.Tanh()</c>; F#'s <c>tanh x</c> calls this.</summary>
    public static Tensor Tanh(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Tanh();
    }
}
