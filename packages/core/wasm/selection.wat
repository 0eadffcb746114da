;; The two full passes of selectLowest's radix select (src/selection.ts), in WebAssembly SIMD.
;; The caller copies an array's float bits in, one chunk at a time; the keys are selection.ts's keyOf.
;; Memory (17 pages): counts, 65536 u32 at 0; the chunk's bits, 65536 i32 at 262144; its keep-mask,
;; 65536 u8 at 524288; the listed entries' positions, 65536 i32 at 589824, and bits, 65536 i32 at 851968.
;; `above` counts the entries split kept.
;; Compiled by scripts/build-selection-wasm.mjs (binaryen inlines the helpers: V8 does not).
(module
  (memory (export "memory") 17)
  (global $above (export "above") (mut i32) (i32.const 0))

  ;; keyOf for four floats' bits: NaN is the lowest int32; the others' magnitude bits flip when negative
  (func $key4 (param $bits v128) (param $signMask v128) (result v128)
    (local $signed v128)
    (local.set $signed (v128.and (local.get $bits) (local.get $signMask)))
    (v128.bitselect
      (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)
      (v128.xor (local.get $signed) (v128.and (i32x4.shr_s (local.get $signed) (i32.const 31)) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
      (i32x4.gt_s (v128.and (local.get $bits) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))

  (func $key (param $bits i32) (param $signMask i32) (result i32)
    (local $signed i32)
    (local.set $signed (i32.and (local.get $bits) (local.get $signMask)))
    (select
      (i32.const 0x80000000)
      (i32.xor (local.get $signed) (i32.and (i32.shr_s (local.get $signed) (i32.const 31)) (i32.const 0x7fffffff)))
      (i32.gt_s (i32.and (local.get $bits) (i32.const 0x7fffffff)) (i32.const 0x7f800000))))

  ;; counts[(key >> 16) + 0x8000]++
  (func $count (param $key i32)
    (local $at i32)
    (local.set $at (i32.shl (i32.xor (i32.shr_u (local.get $key) (i32.const 16)) (i32.const 0x8000)) (i32.const 2)))
    (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1))))

  ;; Adds the high 16 bits of the keys of the n bits at 262144 to the counts.
  (func (export "countHigh") (param $n i32) (param $signMask i32)
    (local $at i32) (local $end i32) (local $keys v128) (local $signMaskV v128)
    (local.set $signMaskV (i32x4.splat (local.get $signMask)))
    (local.set $at (i32.const 262144))
    (local.set $end (i32.add (local.get $at) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $keys (call $key4 (v128.load (local.get $at)) (local.get $signMaskV)))
      (call $count (i32x4.extract_lane 0 (local.get $keys)))
      (call $count (i32x4.extract_lane 1 (local.get $keys)))
      (call $count (i32x4.extract_lane 2 (local.get $keys)))
      (call $count (i32x4.extract_lane 3 (local.get $keys)))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $at) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (call $count (call $key (i32.load (local.get $at)) (local.get $signMask)))
      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br $next))))

  ;; Lists entry i (its position base + i and its bits) if its key is in [min, max]; returns the new count.
  (func $list (param $i i32) (param $signMask i32) (param $min i32) (param $max i32) (param $base i32) (param $listed i32) (result i32)
    (local $bits i32) (local $key i32)
    (local.set $bits (i32.load offset=262144 (i32.shl (local.get $i) (i32.const 2))))
    (local.set $key (call $key (local.get $bits) (local.get $signMask)))
    (if (result i32) (i32.and (i32.ge_s (local.get $key) (local.get $min)) (i32.le_s (local.get $key) (local.get $max)))
      (then
        (i32.store offset=589824 (i32.shl (local.get $listed) (i32.const 2)) (i32.add (local.get $base) (local.get $i)))
        (i32.store offset=851968 (i32.shl (local.get $listed) (i32.const 2)) (local.get $bits))
        (i32.add (local.get $listed) (i32.const 1)))
      (else (local.get $listed))))

  ;; For the n bits at 262144: the keep-mask at 524288 (1 where the key is above max, else 0), and the
  ;; entries whose keys are in [min, max] listed in position order. Returns how many were listed; `above` is set.
  (func (export "split") (param $n i32) (param $signMask i32) (param $min i32) (param $max i32) (param $base i32) (result i32)
    (local $i i32) (local $end i32) (local $listed i32) (local $j i32) (local $at i32)
    (local $signMaskV v128) (local $minV v128) (local $maxV v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128)
    (local $above0 v128) (local $above1 v128) (local $above2 v128) (local $above3 v128) (local $kept v128) (local $keptTail i32) (local $keepOne i32)
    (local.set $signMaskV (i32x4.splat (local.get $signMask)))
    (local.set $minV (i32x4.splat (local.get $min)))
    (local.set $maxV (i32x4.splat (local.get $max)))
    (local.set $end (i32.and (local.get $n) (i32.const -16)))
    ;; 16 entries a step: four key vectors, one 16-byte mask store, a scalar look only where one is in the bucket
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $at (i32.shl (local.get $i) (i32.const 2)))
      (local.set $k0 (call $key4 (v128.load offset=262144 (local.get $at)) (local.get $signMaskV)))
      (local.set $k1 (call $key4 (v128.load offset=262160 (local.get $at)) (local.get $signMaskV)))
      (local.set $k2 (call $key4 (v128.load offset=262176 (local.get $at)) (local.get $signMaskV)))
      (local.set $k3 (call $key4 (v128.load offset=262192 (local.get $at)) (local.get $signMaskV)))
      (local.set $above0 (i32x4.gt_s (local.get $k0) (local.get $maxV)))
      (local.set $above1 (i32x4.gt_s (local.get $k1) (local.get $maxV)))
      (local.set $above2 (i32x4.gt_s (local.get $k2) (local.get $maxV)))
      (local.set $above3 (i32x4.gt_s (local.get $k3) (local.get $maxV)))
      (local.set $kept (i32x4.sub (i32x4.sub (local.get $kept) (local.get $above0)) (i32x4.add (local.get $above1) (i32x4.add (local.get $above2) (local.get $above3)))))
      (v128.store offset=524288 (local.get $i)
        (v128.and (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1)
          (i8x16.narrow_i16x8_s
            (i16x8.narrow_i32x4_s (local.get $above0) (local.get $above1))
            (i16x8.narrow_i32x4_s (local.get $above2) (local.get $above3)))))
      (if (v128.any_true (v128.or
            (v128.or
              (v128.andnot (i32x4.ge_s (local.get $k0) (local.get $minV)) (local.get $above0))
              (v128.andnot (i32x4.ge_s (local.get $k1) (local.get $minV)) (local.get $above1)))
            (v128.or
              (v128.andnot (i32x4.ge_s (local.get $k2) (local.get $minV)) (local.get $above2))
              (v128.andnot (i32x4.ge_s (local.get $k3) (local.get $minV)) (local.get $above3)))))
        (then
          (local.set $j (local.get $i))
          (loop $each
            (local.set $listed (call $list (local.get $j) (local.get $signMask) (local.get $min) (local.get $max) (local.get $base) (local.get $listed)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $each (i32.lt_u (local.get $j) (i32.add (local.get $i) (i32.const 16)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    ;; the last n % 16, one at a time
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $keepOne (i32.gt_s (call $key (i32.load offset=262144 (i32.shl (local.get $i) (i32.const 2))) (local.get $signMask)) (local.get $max)))
      (i32.store8 offset=524288 (local.get $i) (local.get $keepOne))
      (local.set $keptTail (i32.add (local.get $keptTail) (local.get $keepOne)))
      (local.set $listed (call $list (local.get $i) (local.get $signMask) (local.get $min) (local.get $max) (local.get $base) (local.get $listed)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (global.set $above (i32.add (local.get $keptTail) (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $kept)) (i32x4.extract_lane 1 (local.get $kept)))
      (i32.add (i32x4.extract_lane 2 (local.get $kept)) (i32x4.extract_lane 3 (local.get $kept))))))
    (local.get $listed))
)
