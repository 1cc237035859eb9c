# FADA stage 3 for Cityscapes -> Cross-City Tokyo: as
# fada_r101_cs2crosscity-rome-distill.py with the Tokyo images and the
# pseudo labels of fada_r101_cs2crosscity-tokyo.py.
_base_ = ['./fada_r101_cs2crosscity-rome-distill.py']
city = 'Tokyo'
train_dataloader = dict(
    dataset=dict(
        city=city,
        data_prefix=dict(
            img_path=f'{city}/Images/Train',
            seg_map_path='pseudo_labels/fada_r101_cs2crosscity-tokyo')))
val_dataloader = dict(dataset=dict(city=city))
test_dataloader = val_dataloader
