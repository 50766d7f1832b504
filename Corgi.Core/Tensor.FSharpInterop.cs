using System;

namespace Corgi;

// Members that F# (and functional-style callers) need beyond the instance API:
// - static Pow/Exp/Log/Sqrt/Abs/Tanh/Sin/Cos/.../Floor/Ceiling/Round/Truncate/Atan2, which F#'s `**`, `exp`,
//   `log`, `sqrt`, `abs`, `tanh`, `sin`, `floor`, `ceil`, `round`, `truncate`, `atan2`... look up
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
    /// <summary>Element-wise sine, <c>x.Sin()</c>; F#'s <c>sin x</c> calls this.</summary>
    public static Tensor Sin(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sin();
    }

    /// <summary>Element-wise cosine, <c>x.Cos()</c>; F#'s <c>cos x</c> calls this.</summary>
    public static Tensor Cos(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Cos();
    }

    /// <summary>Element-wise tangent, <c>x.Tan()</c>; F#'s <c>tan x</c> calls this.</summary>
    public static Tensor Tan(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Tan();
    }

    /// <summary>Element-wise arcsine, <c>x.Asin()</c>; F#'s <c>asin x</c> calls this.</summary>
    public static Tensor Asin(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Asin();
    }

    /// <summary>Element-wise arccosine, <c>x.Acos()</c>; F#'s <c>acos x</c> calls this.</summary>
    public static Tensor Acos(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Acos();
    }

    /// <summary>Element-wise arctangent, <c>x.Atan()</c>; F#'s <c>atan x</c> calls this.</summary>
    public static Tensor Atan(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Atan();
    }

    /// <summary>Element-wise hyperbolic sine, <c>x.Sinh()</c>; F#'s <c>sinh x</c> calls this.</summary>
    public static Tensor Sinh(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sinh();
    }

    /// <summary>Element-wise hyperbolic cosine, <c>x.Cosh()</c>; F#'s <c>cosh x</c> calls this.</summary>
    public static Tensor Cosh(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Cosh();
    }

    /// <summary>Element-wise base-10 logarithm, <c>x.Log10()</c>; F#'s <c>log10 x</c> calls this.</summary>
    public static Tensor Log10(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Log10();
    }

    /// <summary>Element-wise floor, <c>x.Floor()</c>; F#'s <c>floor x</c> calls this.</summary>
    public static Tensor Floor(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Floor();
    }

    /// <summary>Element-wise ceiling, <c>x.Ceil()</c>; F#'s <c>ceil x</c> calls this.</summary>
    public static Tensor Ceiling(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Ceil();
    }

    /// <summary>Element-wise rounding (halves to even), <c>x.Round()</c>; F#'s <c>round x</c> calls this.</summary>
    public static Tensor Round(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Round();
    }

    /// <summary>Element-wise truncation towards zero, <c>x.Trunc()</c>; F#'s <c>truncate x</c> calls this.</summary>
    public static Tensor Truncate(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Trunc();
    }

    /// <summary>Element-wise four-quadrant arctangent of y / x with broadcasting, <c>y.Atan2(x)</c>; F#'s <c>atan2 y x</c> calls this.</summary>
    public static Tensor Atan2(Tensor y, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(y);
        return y.Atan2(x);
    }
}
