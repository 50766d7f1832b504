using System;
using System.Linq;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN.Layers;

public class AttentionTests
{
    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void ScaledDotProductByHand(DType dtype)
    {
        // q = [1, 0], keys [1, 0] and [0, 1]: scores [1, 0]/sqrt(2); a = e^0.70711/(e^0.70711 + 1) = 0.669761
        // output a·[1, 2] + (1 − a)·[3, 4] = [3 − 2a, 4 − 2a]
        var q = T(new[] { 1, 2 }, 1, 0).To(dtype);
        var k = T(new[] { 2, 2 }, 1, 0, 0, 1).To(dtype);
        var v = T(new[] { 2, 2 }, 1, 2, 3, 4).To(dtype);
        double a = Math.Exp(1 / Math.Sqrt(2)) / (Math.Exp(1 / Math.Sqrt(2)) + 1);
        var y = Attention.ScaledDotProduct(q, k, v);
        Assert.Equal(dtype, y.DType);
        Close(new[] { 1, 2 }, new[] { 3 - 2 * a, 4 - 2 * a }, y, 1e-6);
    }

    [Fact]
    public void CausalAndPaddingMasks()
    {
        var x = T(new[] { 1, 2, 2 }, 1, 0, 0, 1);
        var v = T(new[] { 1, 2, 2 }, 1, 2, 3, 4);
        // causal: query 0 sees key 0 only -> v[0]; query 1 sees both: weights softmax([0, 1]/sqrt 2) -> b = 1/(1 + e^0.70711)
        var y = Attention.ScaledDotProduct(x, x, v, isCausal: true);
        double b = 1 / (1 + Math.Exp(1 / Math.Sqrt(2)));
        Close(new[] { 1, 2, 2 }, new[] { 1, 2, b * 1 + (1 - b) * 3, b * 2 + (1 - b) * 4 }, y, 1e-12);
        Assert.True(double.IsNegativeInfinity(Attention.CausalMask(2, 2)[0, 1]));
        // padding the second key: every query reads v[0]
        var pad = Attention.KeyPaddingMask(T(new[] { 1, 2 }, 0, 1));
        Assert.Equal(new[] { 1, 1, 1, 2 }, pad.Shape);
        var p = Attention.ScaledDotProduct(x.Unsqueeze(1), x.Unsqueeze(1), v.Unsqueeze(1), pad);
        Close(new double[] { 1, 2, 1, 2 }, p, 1e-12);
    }

    private static MultiheadAttention Identity(int e, int heads, bool batchFirst = false)
    {
        var mha = new MultiheadAttention(e, heads, batchFirst: batchFirst);
        var eye = Tensor.Eye(e);
        mha.InProjWeight.Value = Tensor.Concat(new[] { eye, eye, eye }, 0);
        mha.OutProjWeight.Value = eye;
        return mha;
    }

    [Fact]
    public void MultiheadAttentionWithIdentityProjectionsIsPerHeadAttention()
    {
        // identity in- and out-projections, zero biases: head 0 attends over features 0..1, head 1 over 2..3
        var mha = Identity(4, 2, batchFirst: true);
        var x = Tensor.RandomNormal(new[] { 2, 3, 4 }, 1);
        var r = mha.Forward(x, x, x);
        var h0 = Attention.ScaledDotProduct(x.Narrow(2, 0, 2), x.Narrow(2, 0, 2), x.Narrow(2, 0, 2));
        var h1 = Attention.ScaledDotProduct(x.Narrow(2, 2, 2), x.Narrow(2, 2, 2), x.Narrow(2, 2, 2));
        Close(Tensor.Concat(new[] { h0, h1 }, 2).ToArray(), r.Output, 1e-12);
        Assert.Equal(new[] { 2, 3, 3 }, r.Weights.Shape);
        Close(Enumerable.Repeat(1.0, 6).ToArray(), r.Weights.Sum(2), 1e-12);
        // cross-attention through separate tensors takes the row blocks of in_proj_weight: same values
        var r2 = mha.Forward(x, x.Reshape(2, 3, 4), x.Reshape(2, 3, 4));
        Close(r.Output.ToArray(), r2.Output, 1e-12);
        Assert.Equal(new[] { "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, mha.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void MultiheadAttentionSequenceFirstAndMasks()
    {
        var bf = new MultiheadAttention(4, 2, batchFirst: true, random: new Random(2));
        var sf = new MultiheadAttention(4, 2, random: new Random(3));
        for (int i = 0; i < 4; i++) sf.Parameters[i].Value = bf.Parameters[i].Value;
        var x = Tensor.RandomNormal(new[] { 2, 3, 4 }, 4);
        var pad = T(new[] { 2, 3 }, 0, 0, 1, 0, 0, 0);
        var a = bf.Forward(x, x, x, keyPaddingMask: pad, isCausal: true);
        var b = sf.Forward(x.Transpose(0, 1), x.Transpose(0, 1), x.Transpose(0, 1), keyPaddingMask: pad, isCausal: true);
        Close(a.Output.Transpose(0, 1).ToArray(), b.Output, 1e-12);
        // batch 0's third key is padding and causality hides later keys: no weight on them
        Assert.Equal(0, a.Weights[0, 1, 2]);
        Assert.Equal(0, a.Weights[1, 0, 1]);
        var e = Assert.Throws<TensorShapeException>(() => bf.Forward(Tensor.Zeros(2, 3, 5)));
        Assert.Contains("multihead_attention", e.Message);
        Assert.Contains("[2,3,5]", e.Message);
        Assert.Throws<TensorShapeException>(() => bf.Forward(x, x, x, attentionMask: Tensor.Zeros(2, 2)));
    }

    [Fact]
    public void PreNormEncoderWithZeroBlocksIsTheIdentityAndPostNormNormalizes()
    {
        var x = Tensor.RandomNormal(new[] { 3, 2, 4 }, 5);
        foreach (bool normFirst in new[] { true, false })
        {
            var enc = new TransformerEncoderLayer(4, 2, dimFeedforward: 8, dropout: 0, layerNormEps: 0, normFirst: normFirst, random: new Random(1));
            // zero out_proj (its bias starts at zero) and linear2: both blocks add nothing
            enc.SelfAttention.OutProjWeight.Value = Tensor.Zeros(4, 4);
            enc.Linear2Weight.Value = Tensor.Zeros(4, 8);
            enc.Linear2Bias!.Value = Tensor.Zeros(4);
            var y = enc.Forward(x);
            // pre-norm: x + 0 + 0 = x; post-norm: LN(LN(x)) = LN(x) (a normalized row is its own normalization)
            var expected = normFirst ? x : new LayerNorm(4, eps: 0).Forward(x);
            Close(expected.ToArray(), y, 1e-9);
        }
        var names = new TransformerEncoderLayer(4, 2, 8).Parameters.Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias" }, names);
    }

    [Fact]
    public void EncoderDropoutObeysTheTrainingFlag()
    {
        var enc = new TransformerEncoderLayer(4, 2, 8, dropout: 0.5, batchFirst: true, random: new Random(1));
        var x = Tensor.RandomNormal(new[] { 2, 3, 4 }, 6);
        enc.Training = false;
        Assert.False(enc.SelfAttention.Training);
        Close(enc.Forward(x).ToArray(), enc.Forward(x), 0);
        enc.Training = true;
        Assert.NotEqual(enc.Forward(x).ToArray(), enc.Forward(x).ToArray());
    }

    [Fact]
    public void ResidualAddsItsInput()
    {
        var dense = new Dense(2, 2, Initializer.Zeros());
        dense.Weights.Value = T(new[] { 2, 2 }, 1, 0, 0, 2);
        var r = new Residual(dense);
        // x + x·Wᵀ: [1, 1] + [1, 2] = [2, 3]
        Close(new double[] { 2, 3 }, r.Forward(T(new[] { 1, 2 }, 1, 1)));
        var e = Assert.Throws<TensorShapeException>(() => new Residual(new Dense(2, 3)).Forward(Tensor.Zeros(1, 2)));
        Assert.Contains("residual", e.Message);
    }

    public static TheoryData<DType, int> Cases => new()
    {
        { DType.Float64, 0 }, { DType.Float32, 0 }, { DType.Float64, 1 }, { DType.Float32, 1 }, { DType.Float64, 2 }, { DType.Float32, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiniteDifferences(DType dtype, int which)
    {
        var x = Tensor.RandomNormal(new[] { 2, 3, 4 }, 7, dtype: dtype);
        var pad = T(new[] { 2, 3 }, 0, 0, 1, 0, 0, 0);
        if (which == 0)
        {
            var mha = new MultiheadAttention(4, 2, batchFirst: true, random: new Random(8), dtype: dtype);
            LayerCheck.Randomize(mha, 9);
            LayerCheck.Gradients(new Lambda(mha, t => mha.Forward(t, t, t, pad, isCausal: true).Output), x);
        }
        else
        {
            var enc = new TransformerEncoderLayer(4, 2, 6, dropout: 0, batchFirst: true, normFirst: which == 1, random: new Random(10), dtype: dtype);
            LayerCheck.Randomize(enc, 11);
            LayerCheck.Gradients(new Lambda(enc, t => enc.Forward(t, null, pad, isCausal: true)), x);
        }
    }

    /// <summary>A layer's parameters with another forward function (masks, states).</summary>
    private sealed class Lambda : ILayer
    {
        private readonly ILayer _layer;
        private readonly Func<Tensor, Tensor> _f;
        public Lambda(ILayer layer, Func<Tensor, Tensor> f) => (_layer, _f) = (layer, f);
        public Tensor Forward(Tensor input) => _f(input);
        public System.Collections.Generic.IReadOnlyList<Parameter> Parameters => _layer.Parameters;
    }
}
